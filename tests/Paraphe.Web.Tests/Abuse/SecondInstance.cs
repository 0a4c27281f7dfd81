using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Another instance of Paraphe on the same database and data directory as <paramref name="first"/> (as behind a load
/// balancer, or after a restart), on the same clock; or, with <paramref name="dataDirectory"/>, on a directory of its own.
/// It never deletes anything it did not create.
/// </summary>
public sealed class SecondInstance(ParapheApp first, string? dataDirectory = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Paraphe:DataDirectory", dataDirectory ?? first.DataDirectory);
        builder.UseSetting("Paraphe:Demo:ApiKey", ParapheApp.DemoApiKey);
        builder.UseSetting("Paraphe:PublicBaseUrl", ParapheApp.PublicBaseUrl);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in first.StorageSettings) builder.UseSetting(key, value);
        if (first.ConnectionString is { } cs)
        {
            builder.UseSetting("ConnectionStrings:Paraphe", cs);
            builder.UseSetting("Paraphe:Database", "postgres");
        }
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(first.Clock));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        GC.SuppressFinalize(this);
    }
}
