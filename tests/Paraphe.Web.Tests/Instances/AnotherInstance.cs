using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Instances;

/// <summary>
/// Another instance of Paraphe on <paramref name="first"/>'s database (SQLite file or PostgreSQL) and clock, with a data
/// directory of its own (two machines behind a load balancer share the database, not their disks), its own settings and
/// services. Deletes the directory it made.
/// </summary>
public sealed class AnotherInstance(ParapheApp first, IReadOnlyDictionary<string, string>? settings = null,
    Action<IServiceCollection>? services = null, string? connectionString = null, string? dataDirectory = null)
    : WebApplicationFactory<Program>
{
    /// <summary>Its own (deleted with it); <c>connectionString</c> names another database than the first's (a fresh one).</summary>
    public string DataDirectory { get; } = dataDirectory ?? Directory.CreateTempSubdirectory("paraphe-instance-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Paraphe:DataDirectory", DataDirectory);
        builder.UseSetting("Paraphe:Demo:ApiKey", ParapheApp.DemoApiKey);
        builder.UseSetting("Paraphe:PublicBaseUrl", ParapheApp.PublicBaseUrl);
        builder.UseSetting("Paraphe:Verify:PerMinute", "1000");
        builder.UseSetting("Paraphe:LinkRateLimits:SigningPerMinute", "100000");
        builder.UseSetting("Paraphe:LinkRateLimits:DownloadsPerMinute", "100000");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("ConnectionStrings:Paraphe",
            connectionString ?? first.ConnectionString ?? $"Data Source={Path.Combine(first.DataDirectory, "paraphe.db")}");
        builder.UseSetting("Paraphe:Database", first.ConnectionString is null ? "sqlite" : "postgres");
        foreach (var (key, value) in first.StorageSettings) builder.UseSetting(key, value);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(first.Clock);
            services?.Invoke(s);
        });
    }

    /// <summary>A client of the demo agency on this instance.</summary>
    public HttpClient Api()
    {
        var http = CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ParapheApp.DemoApiKey);
        return http;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}
