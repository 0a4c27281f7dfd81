using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Agencies;

/// <summary>On an empty database: "Agence Démo", a director who can log in, and the configured API key.</summary>
public static partial class DemoAgency
{
    public const string Email = "directeur@agence-demo.fr";
    public const string Password = "demo-paraphe";

    /// <summary>In Production only when `Paraphe:Demo:Enabled=true` is set explicitly: its key and password are public.</summary>
    public static bool IsOn(IServiceProvider services) =>
        services.GetRequiredService<IOptions<ParapheOptions>>().Value.Demo.IsOn(services.GetRequiredService<IHostEnvironment>());

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var options = services.GetRequiredService<IOptions<ParapheOptions>>().Value.Demo;
        if (!IsOn(services)) return;
        var db = services.GetRequiredService<ParapheDbContext>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Paraphe.Demo");
        if (await db.Agencies.AnyAsync(ct))
        {
            if (await db.Users.IgnoreQueryFilters().AnyAsync(u => u.Email == Email, ct))
                LogDemoLogin(log, Email, Password);
            return;
        }
        var created = await CreateAgency.HandleAsync(db, "Agence Démo", Email, Password, options.ApiKey, ct, "Claire", "Martin");
        LogDemoCreated(log, Email, Password, created.ApiKey);
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Agence Démo created. Log in with {Email} / {Password}. API key: {ApiKey}")]
    private static partial void LogDemoCreated(ILogger log, string email, string password, string apiKey);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Agence Démo: log in with {Email} / {Password}")]
    private static partial void LogDemoLogin(ILogger log, string email, string password);
}
