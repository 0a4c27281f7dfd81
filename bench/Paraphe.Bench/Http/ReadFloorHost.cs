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
/// preparation, the pool's defaults, as the app's data source) and answers them as a small JSON object. No middleware,
/// no logging, no EF, no rate limit, no antiforgery: what any implementation of the signing routes pays at least.
/// <para>
/// Round 6 (list6): the list's floor — <c>GET /page</c> answers a fixed body (the app's own page of 50 procedures, read
/// once before the load) from memory, with no database at all: « HTTP + the page's bytes, nothing else », what a page
/// whose every item is kept can at best approach. Without a connection string the host has that route only.
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

    public static async Task<ReadFloorHost> StartAsync(string? connectionString, byte[]? page = null)
    {
        var source = connectionString is null ? null
            : NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 16 }.ConnectionString);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        if (source is not null) app.MapGet("/read/{id}", (string id, HttpContext http) => ReadAsync(source, id, http));
        if (page is not null)
            app.MapGet("/page", async (HttpContext http) =>
            {
                http.Response.ContentType = "application/json; charset=utf-8";
                await http.Response.BodyWriter.WriteAsync(page, http.RequestAborted);
            });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ReadFloorHost(app, source, address);
    }

    private static async Task ReadAsync(NpgsqlDataSource source, string id, HttpContext http)
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
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_source is not null) await _source.DisposeAsync();
    }
}
