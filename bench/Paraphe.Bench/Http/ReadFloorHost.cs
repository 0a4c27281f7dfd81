using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Paraphe.Bench.Http;

/// <summary>
/// Issue 12, round 5 (page5): the floor of a signing request on PostgreSQL — HTTP and the opened link's one prepared
/// read, nothing else. A bench-only Kestrel host in the bench's own process (never part of Paraphe): one route,
/// <c>GET /read/{id}</c>, reads the procedure's version and its agency's name by primary key over Npgsql (automatic
/// preparation, and since round 7 (sign7) <c>No Reset On Close</c> as the app's pool; since round 8 (sign8) the app's
/// pool string itself, <c>DatabaseSetup.ForSharedPool</c>, with its pool size) and answers them as a small JSON object. No middleware,
/// no logging, no EF, no rate limit, no antiforgery: what any implementation of the signing routes pays at least.
/// <para>
/// Round 6 (sign6): the same host also runs as <b>its own process</b> (<see cref="StartProcessAsync"/>: this executable
/// started again with <see cref="ChildFlag"/>), as the app does, so that the load generator does not share its process,
/// thread pool and GC with the host, and the host's CPU is measured alone.
/// Round 6 (list6): the list's floor uses the same bytes routes — <c>GET /bytes/list</c> answers the app's own page
/// of 50 procedures (read once before the load) from memory, no database: « HTTP + the page's bytes, nothing else ».
/// </para>
/// </summary>
public sealed class ReadFloorHost : IAsyncDisposable
{
    public const string Sql =
        "SELECT p.\"Version\", a.\"Name\" FROM procedures p JOIN agencies a ON a.\"Id\" = p.\"AgencyId\" WHERE p.\"Id\" = $1 LIMIT 1";

    private readonly WebApplication _app;
    private readonly NpgsqlDataSource? _source;

    private ReadFloorHost(WebApplication app, NpgsqlDataSource? source, string baseUrl) =>
        (_app, _source, BaseUrl) = (app, source, baseUrl);

    public string BaseUrl { get; }

    public static async Task<ReadFloorHost> StartAsync(string? connectionString, IReadOnlyDictionary<string, byte[]>? kept = null)
    {
        // The app's pool exactly (round 8, sign8: DatabaseSetup.ForSharedPool — No Reset On Close, its pool size and
        // open timeout), with Npgsql's automatic preparation for the one read.
        var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Paraphe.Data.DatabaseSetup.ForSharedPool(connectionString ?? "Host=unused")) { MaxAutoPrepare = 16 }.ConnectionString);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        if (connectionString is not null)
            app.MapGet("/read/{id}", async (string id, HttpContext http) =>
            {
                await using var command = source.CreateCommand(Sql);
                command.Parameters.Add(new NpgsqlParameter { Value = id });
                await using var reader = await command.ExecuteReaderAsync(http.RequestAborted);
                if (!await reader.ReadAsync(http.RequestAborted))
                {
                    http.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                var (version, agency) = (reader.GetInt32(0), reader.GetString(1));
                http.Response.ContentType = "application/json; charset=utf-8";
                await using var json = new Utf8JsonWriter(http.Response.BodyWriter);
                json.WriteStartObject();
                json.WriteNumber("version", version);
                json.WriteString("agency", agency);
                json.WriteEndObject();
            });
        // Round 6 (sign6): « HTTP + the answer's bytes, nothing else » — the bytes the app sent for a route, kept and
        // written as they are (GET /bytes/page: the signing page's ~10 KB; GET /bytes/api: the API's JSON).
        foreach (var (name, bytes) in kept ?? new Dictionary<string, byte[]>())
        {
            var contentType = name == "page" ? "text/html; charset=utf-8" : "application/json; charset=utf-8";
            app.MapGet("/bytes/" + name, (HttpContext http) =>
            {
                http.Response.ContentType = contentType;
                http.Response.ContentLength = bytes.Length;
                return http.Response.Body.WriteAsync(bytes, http.RequestAborted).AsTask();
            });
        }
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ReadFloorHost(app, source, address);
    }

    /// <summary>The argument that makes the bench's executable serve this host and nothing else.</summary>
    public const string ChildFlag = "--serve-read-floor";

    /// <summary>In the child process: serves until its standard input closes, after writing its address on one line.</summary>
    public static async Task<int> ServeAsync(string connectionString, string pageFile, string apiFile)
    {
        await using var host = await StartAsync(connectionString == "-" ? null : connectionString,
            new Dictionary<string, byte[]> { ["page"] = await File.ReadAllBytesAsync(pageFile), ["api"] = await File.ReadAllBytesAsync(apiFile) });
        Console.Out.WriteLine("listening " + host.BaseUrl);
        Console.Out.Flush();
        await Console.In.ReadToEndAsync();
        return 0;
    }

    /// <summary>The host in a process of its own (server GC, as the bench and the app); dispose to stop it.</summary>
    public static async Task<Child> StartProcessAsync(string? connectionString, string pageFile, string apiFile)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find the bench executable.");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(ReadFloorHost).Assembly.Location);
        start.ArgumentList.Add(ChildFlag);
        start.ArgumentList.Add(connectionString ?? "-");
        start.ArgumentList.Add(pageFile);
        start.ArgumentList.Add(apiFile);
        var process = Process.Start(start) ?? throw new InvalidOperationException("the floor host's process did not start");
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("listening ", StringComparison.Ordinal)) { }
        if (line is null) throw new InvalidOperationException($"the floor host's process exited ({process.ExitCode}) before listening");
        return new Child(process, line["listening ".Length..].Trim());
    }

    public sealed class Child(Process process, string baseUrl) : IAsyncDisposable
    {
        public string BaseUrl { get; } = baseUrl;

        public TimeSpan CpuTime
        {
            get
            {
                process.Refresh();
                return process.TotalProcessorTime;
            }
        }

        public async ValueTask DisposeAsync()
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(10_000)) process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_source is not null) await _source.DisposeAsync();
    }
}
