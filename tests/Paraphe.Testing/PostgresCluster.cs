using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Paraphe.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster (trust auth, fsync off unless asked, loopback only) in a temp directory, for tests that need the
/// real database. Start one with <see cref="StartAsync"/> or share one per test process with <see cref="SharedAsync"/>,
/// then give each test class its own database with <see cref="CreateDatabaseAsync"/>.
/// </summary>
/// <remarks>
/// initdb refuses to run as root, so as root the binaries run as the <c>postgres</c> user (runuser) in a directory
/// under /tmp that user can reach. Clusters left behind by a killed test process are stopped by the next start.
/// </remarks>
public sealed partial class PostgresCluster : IAsyncDisposable
{
    private const string DirectoryPrefix = "paraphe-pg-";
    private const string OwnerFileName = "owner.pid";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lock SharedLock = new();
    private static Task<PostgresCluster>? shared;

    private readonly string binDirectory;
    private readonly string rootDirectory;
    private int disposed;

    private PostgresCluster(string binDirectory, string rootDirectory, int port, bool fsync = false)
    {
        this.binDirectory = binDirectory;
        this.rootDirectory = rootDirectory;
        Port = port;
        this.fsync = fsync;
    }

    private readonly bool fsync;

    public int Port { get; }

    /// <summary>The cluster's data directory; the Unix socket is there too.</summary>
    public string DataDirectory => Path.Combine(rootDirectory, "data");

    /// <summary>The server log (startup errors, slow statements), useful when a test fails oddly.</summary>
    public string LogFile => Path.Combine(rootDirectory, "postgres.log");

    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
        }.ConnectionString;

    /// <summary>
    /// One cluster for the whole test process, started on first use and stopped when the process exits.
    /// </summary>
    public static Task<PostgresCluster> SharedAsync()
    {
        lock (SharedLock)
        {
            if (shared is null || shared.IsFaulted || shared.IsCanceled)
            {
                shared = StartAsync();
                var started = shared;
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                {
                    if (started.IsCompletedSuccessfully)
                    {
                        started.Result.Stop();
                    }
                };
            }

            return shared;
        }
    }

    /// <summary>A new cluster tuned for tests: fsync, synchronous commit and full-page writes off.</summary>
    public static Task<PostgresCluster> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(fsync: false, cancellationToken);

    /// <summary>
    /// A new cluster; with <paramref name="fsync"/> a commit waits for its WAL flush (fsync, synchronous_commit and
    /// full_page_writes on, PostgreSQL's defaults), which is what benchmarks of durable writes need.
    /// </summary>
    public static async Task<PostgresCluster> StartAsync(bool fsync, CancellationToken cancellationToken = default)
    {
        var binDirectory = FindBinDirectory();
        var runAsPostgres = Environment.IsPrivilegedProcess;
        var tempRoot = runAsPostgres ? "/tmp" : Path.GetTempPath();
        StopAbandonedClusters(binDirectory, tempRoot, runAsPostgres);

        var root = Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
        if (tempRoot == "/tmp" && !root.StartsWith("/tmp/", StringComparison.Ordinal))
        {
            // TMPDIR points elsewhere; the postgres user may not reach it.
            Directory.Delete(root);
            root = Path.Combine("/tmp", DirectoryPrefix + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(root);
        }

        try
        {
            // initdb (as postgres) creates data/ itself; the root only has to be writable by that user.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(root, (UnixFileMode)0b111_111_111);
            }

            await File.WriteAllTextAsync(
                Path.Combine(root, OwnerFileName),
                Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                cancellationToken);

            var probe = new PostgresCluster(binDirectory, root, 0);
            await probe.RunAsync(
                "initdb",
                ["-D", probe.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N"],
                cancellationToken);

            // The free port can be taken between our probe and the server's bind: retry on a fresh one.
            Exception? lastError = null;
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var cluster = new PostgresCluster(binDirectory, root, FreeTcpPort.Next(), fsync);
                try
                {
                    await cluster.StartServerAsync(cancellationToken);
                    return cluster;
                }
                catch (InvalidOperationException ex)
                {
                    lastError = ex;
                }
            }

            throw new InvalidOperationException(
                $"PostgreSQL did not start after 5 attempts; see {Path.Combine(root, "postgres.log")}.", lastError);
        }
        catch
        {
            TryDelete(root);
            throw;
        }
    }

    private Task StartServerAsync(CancellationToken cancellationToken) =>
        RunAsync(
            "pg_ctl",
            [
                "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60",
                "-o", $"-p {Port} -k {DataDirectory} -c listen_addresses=127.0.0.1 " +
                      (fsync
                          ? "-c fsync=on -c synchronous_commit=on -c full_page_writes=on "
                          : "-c fsync=off -c synchronous_commit=off -c full_page_writes=off ") +
                      "-c max_connections=1000",
                "start",
            ],
            cancellationToken);

    /// <summary>
    /// Stops the server at once (`pg_ctl stop -m immediate`: connections are cut, as when the database's machine goes
    /// away) and keeps its data, for outage tests; <see cref="ResumeAsync"/> starts it again on the same port. Only on a
    /// cluster of the test's own, never the shared one.
    /// </summary>
    public Task PauseAsync(CancellationToken cancellationToken = default) =>
        RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], cancellationToken);

    /// <summary>Starts again a server stopped by <see cref="PauseAsync"/> (same data, same port).</summary>
    public Task ResumeAsync(CancellationToken cancellationToken = default) => StartServerAsync(cancellationToken);

    /// <summary>Creates a database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException(
                $"Database name '{name}' must be 1-63 letters, digits or underscores, starting with a letter.",
                nameof(name));
        }

        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>Creates a database with a unique name (<paramref name="prefix"/> + random suffix).</summary>
    public Task<string> CreateUniqueDatabaseAsync(string prefix = "test", CancellationToken cancellationToken = default) =>
        CreateDatabaseAsync($"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)], cancellationToken);

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    /// <summary>Synchronous so that it can run from <see cref="AppDomain.ProcessExit"/>.</summary>
    private void Stop()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None)
                .GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Already stopped (or never fully started): deleting the directory is all that is left.
        }

        TryDelete(rootDirectory);
    }

    private async Task RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await RunToolAsync(binDirectory, rootDirectory, Environment.IsPrivilegedProcess, tool, arguments,
            cancellationToken);
        if (result.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? "\n--- postgres.log ---\n" + ReadTail(LogFile) : "";
            throw new InvalidOperationException(
                $"{tool} {string.Join(' ', arguments)} exited with {result.ExitCode}:\n{result.Output}{log}");
        }
    }
}
