using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using Paraphe.Data;
using Paraphe.Testing;

namespace Paraphe.Bench.Http;

/// <summary>
/// Paraphe as a host runs it: its own process, Production environment, Kestrel on a loopback port, capture outbox
/// (allowed explicitly), the demo agency with the bench's API key, the personal-link rate limits raised so that one
/// link can take the load (they would answer 429 after 30 requests a minute). The executable is
/// <c>PARAPHE_BENCH_APP</c> (a published Paraphe.Web) or the Release build of src/Paraphe.Web beside this one.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly PostgresCluster? _cluster;

    private AppProcess(Process process, string directory, PostgresCluster? cluster, DatabaseProvider database, string connectionString, string baseUrl)
    {
        _process = process;
        _directory = directory;
        _cluster = cluster;
        Database = database;
        ConnectionString = connectionString;
        BaseUrl = baseUrl;
    }

    /// <summary>CPU the app's process has used so far (all its threads): per request, a figure the machine's load does not inflate much.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>
    /// CPU the PostgreSQL cluster's processes (the postmaster and its children: one backend per connection) have used
    /// so far, read from /proc; zero on SQLite (issue 12, round 3: the server's share of a signing request).
    /// </summary>
    public TimeSpan ServerCpuTime => _cluster is null ? TimeSpan.Zero : PostgresCpu.Of(_cluster.DataDirectory);

    /// <summary>PostgreSQL's log file (<see cref="StatementTrace"/>); null on SQLite.</summary>
    public string? ServerLogFile => _cluster?.LogFile;

    /// <summary>PostgreSQL's data directory (<see cref="BackendWatch"/>); null on SQLite.</summary>
    public string? ServerDataDirectory => _cluster?.DataDirectory;

    public DatabaseProvider Database { get; }
    public string ConnectionString { get; }
    public string BaseUrl { get; }
    public string Settings => Database == DatabaseProvider.Postgres
        ? $"PostgreSQL 15, fsync on, loopback TCP, Npgsql's default pool{(Environment.GetEnvironmentVariable("PARAPHE_BENCH_PG_SETTINGS") is { Length: > 0 } extra ? ", " + extra : "")}"
        : "SQLite file, WAL, synchronous=FULL";

    public static async Task<AppProcess> StartAsync(DatabaseProvider database, string apiKey)
    {
        var directory = Directory.CreateTempSubdirectory("paraphe-http-bench-").FullName;
        PostgresCluster? cluster = null;
        string connectionString;
        if (database == DatabaseProvider.Postgres)
        {
            cluster = await PostgresCluster.StartAsync(fsync: true);
            connectionString = await cluster.CreateUniqueDatabaseAsync("http");
            // PARAPHE_BENCH_PG_SETTINGS="Max Auto Prepare=32": Npgsql settings added to the app's connection string (issue 12, round 3).
            if (Environment.GetEnvironmentVariable("PARAPHE_BENCH_PG_SETTINGS") is { Length: > 0 } extra) connectionString += ";" + extra;
        }
        else connectionString = $"Data Source={Path.Combine(directory, "paraphe.db")}";

        var port = FreeTcpPort.Next();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = Executable();
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["ASPNETCORE_URLS"] = baseUrl;
        env["ConnectionStrings__Paraphe"] = connectionString;
        env["Paraphe__DataDirectory"] = directory;
        env["Paraphe__PublicBaseUrl"] = "https://signature.bench.example";
        env["Paraphe__Demo__Enabled"] = "true";
        env["Paraphe__Demo__ApiKey"] = apiKey;
        env["Paraphe__Capture__AllowInProduction"] = "true";
        env["Paraphe__LinkRateLimits__SigningPerMinute"] = "100000000";
        env["Paraphe__LinkRateLimits__PerClientPerMinute"] = "100000000";
        // One line per request at Information is what a host gets by default; keep it, but not on the bench's console.
        var process = Process.Start(start) ?? throw new InvalidOperationException("Paraphe.Web did not start");
        var log = Path.Combine(directory, "paraphe.log");
        var writer = new StreamWriter(log) { AutoFlush = false };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new AppProcess(process, directory, cluster, database, connectionString, baseUrl);

        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                lock (writer) writer.Flush();
                throw new InvalidOperationException($"Paraphe.Web exited with {process.ExitCode}: see {log}");
            }
            try
            {
                using var health = await http.GetAsync("/health");
                if (health.IsSuccessStatusCode) break;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (waited.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException($"/health not 200 after 2 minutes: see {log}");
            await Task.Delay(200);
        }
        return app;
    }

    private static ProcessStartInfo Executable()
    {
        if (Environment.GetEnvironmentVariable("PARAPHE_BENCH_APP") is { Length: > 0 } app)
            return new ProcessStartInfo(app) { WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(app))! };
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Paraphe.slnx"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Paraphe.slnx not found above " + AppContext.BaseDirectory);
        var dll = Path.Combine(dir.FullName, "src", "Paraphe.Web", "bin", "Release", "net10.0", "Paraphe.Web.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build with -c Release");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.Combine(dir.FullName, "src", "Paraphe.Web") };
        start.ArgumentList.Add(dll);
        return start;
    }

    /// <summary>Messages the capture provider has stored (the dispatcher's progress).</summary>
    public async Task<long> CountCapturedAsync()
    {
        await using DbConnection connection = Database == DatabaseProvider.Postgres
            ? new NpgsqlConnection(ConnectionString)
            : new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM captured_messages";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>PostgreSQL: statistics for the rows just seeded (autovacuum would gather them a while later in production).</summary>
    public async Task AnalyzeAsync()
    {
        if (Database != DatabaseProvider.Postgres) return;
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // Issue 12 (after round 8): the seeding's dead versions vacuumed and its pages written now, not by autovacuum and the
        // checkpointer during the first rows measured.
        command.CommandText = "VACUUM (ANALYZE)";
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
        command.CommandText = "CHECKPOINT";
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (_cluster is not null) await _cluster.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
