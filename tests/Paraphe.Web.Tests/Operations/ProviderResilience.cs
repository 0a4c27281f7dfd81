using Microsoft.AspNetCore.Hosting;
using Paraphe.Testing;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Tests.Email;
using Paraphe.Web.Tests.Infrastructure;
using Paraphe.Web.Tests.Sms;

namespace Paraphe.Web.Tests.Operations;

/// <summary>
/// `Paraphe:Email:Fallback`: SMTP primary on a closed port, Brevo as fallback. Each email still leaves (through Brevo,
/// its `sent` event says why), and after two failures in a row the breaker sends straight to Brevo.
/// </summary>
public sealed class EmailFallback(EmailFallback.App app) : IClassFixture<EmailFallback.App>
{
    public sealed class App : BrevoApp
    {
        public override string DatabaseName => "sqlite";
        protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder); // Brevo's settings, then ours on top
            builder.UseSetting("Paraphe:Email:Provider", "smtp");
            builder.UseSetting("Paraphe:Email:Fallback", "brevo");
            builder.UseSetting("Paraphe:Email:Smtp:Host", "127.0.0.1");
            builder.UseSetting("Paraphe:Email:Smtp:Port", FreeTcpPort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Paraphe:Email:Smtp:Security", "none");
            builder.UseSetting("Paraphe:Email:Failover:FailuresBeforeOpen", "2");
            builder.UseSetting("Paraphe:Email:Failover:CoolDown", "00:10:00");
        }
    }

    [Fact]
    public async Task EmailsLeaveThroughTheFallbackAndTheBreakerThenSkipsTheDeadPrimary()
    {
        var details = new List<string[]>();
        for (var i = 0; i < 3; i++)
        {
            var (procedureId, email) = await app.SentAsync($"secours{i}.");
            Assert.NotNull(email);
            var (sent, _) = await app.WaitForInvitationAsync(procedureId, n => n.Str("status") == "sent");
            details.Add(sent.Arr("events").Select(e => e.StrOrNull("detail") ?? "").ToArray());
        }

        Assert.Contains(details[0], d => d.Contains("accepté par brevo", StringComparison.Ordinal) && d.Contains("secours : smtp en échec", StringComparison.Ordinal));
        Assert.Contains(details[1], d => d.Contains("secours : smtp en échec", StringComparison.Ordinal));
        // Two failures in a row opened the breaker: the third goes straight to Brevo, SMTP not even tried.
        Assert.Contains(details[2], d => d.Contains("secours : smtp en panne depuis", StringComparison.Ordinal));
    }
}

/// <summary>
/// The circuit breaker of the resilience pipeline in front of Twilio (no fallback): after two failed calls the next
/// messages are not sent to Twilio at all (deferred, « en panne »); once the break has passed on the app's clock, a
/// call goes through again and the messages leave.
/// </summary>
public sealed class ProviderBreaker(ProviderBreaker.App app) : IClassFixture<ProviderBreaker.App>
{
    public sealed class App() : SmsApp("twilio", null, postgres: false)
    {
        protected override void Configure(IWebHostBuilder builder)
        {
            builder.UseSetting("Paraphe:Providers:Breaker:MinimumThroughput", "2");
            builder.UseSetting("Paraphe:Providers:Breaker:FailureRatio", "1");
            builder.UseSetting("Paraphe:Providers:Breaker:SamplingDuration", "00:10:00");
            builder.UseSetting("Paraphe:Providers:Breaker:BreakDuration", "00:05:00");
        }
    }

    [Fact]
    public async Task TwoOutagesOpenTheBreakerAndTheBreakEndsOnTheAppsClock()
    {
        app.Twilio.Default = SimulatedAnswer.Error(503, "20500", "Service unavailable");
        var first = await app.LaunchForAsync(Api.UniqueMobile());
        await app.WaitForSmsAsync(first, "deferred");
        var second = await app.LaunchForAsync(Api.UniqueMobile());
        await app.WaitForSmsAsync(second, "deferred");
        Assert.Equal(2, app.Twilio.Attempts.Count);

        var mobile = Api.UniqueMobile();
        var third = await app.LaunchForAsync(mobile);
        var (deferred, _) = await app.WaitForSmsAsync(third, "deferred");
        Assert.Contains(deferred.Details(), d => d.Contains("Twilio en panne (trop d'échecs récents)", StringComparison.Ordinal));
        Assert.DoesNotContain(mobile, app.Twilio.Attempts); // the open breaker did not call Twilio

        app.Twilio.Default = SimulatedAnswer.Accept;
        app.Clock.Advance(TimeSpan.FromMinutes(6)); // past the break and past each message's backoff
        // The three are due together and the SMS lane sends several at once: the half-open breaker lets one of them
        // try Twilio (which now answers) and closes; one that met it still open in the same pass waits its backoff.
        foreach (var id in new[] { first, second, third })
            await app.WaitForSmsAsync(id, n => n.Str("status") == "sent"
                || (n.Str("status") == "deferred" && n.Arr("events").Count(e => e.Str("status") == "sending") >= 2));
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await app.WaitForSmsAsync(third, "sent");
        await app.WaitForSmsAsync(first, "sent");
        await app.WaitForSmsAsync(second, "sent");
        Assert.Contains(mobile, app.Twilio.Attempts);
    }
}
