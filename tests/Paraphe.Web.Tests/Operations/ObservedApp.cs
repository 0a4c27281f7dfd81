using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Paraphe.Testing;
using Paraphe.Web.Tests.Sms;

namespace Paraphe.Web.Tests.Operations;

/// <summary>SMS through the Twilio simulator, the outbox gauges read at every scrape.</summary>
public abstract class ObservedApp(bool postgres) : SmsApp("twilio", null, postgres)
{
    public Abuse.CapturingLoggerProvider Logs { get; } = new();

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Paraphe:Telemetry:BacklogReadInterval", "00:00:00");
        builder.ConfigureLogging(l => l.AddProvider(Logs).AddFilter<Abuse.CapturingLoggerProvider>(null, LogLevel.Information));
    }

    /// <summary>`GET /metrics` as text.</summary>
    public async Task<Scrape> ScrapeAsync()
    {
        using var client = CreateClient();
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return new Scrape(await response.Content.ReadAsStringAsync());
    }
}

public sealed class ObservedSqliteApp() : ObservedApp(postgres: false);
public sealed class ObservedPostgresApp() : ObservedApp(postgres: true);
