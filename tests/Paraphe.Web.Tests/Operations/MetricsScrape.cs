using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Paraphe.Testing;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Tests.Infrastructure;
using Paraphe.Web.Tests.Sms;

namespace Paraphe.Web.Tests.Operations;

/// <summary>`GET /metrics` after real sends through the Twilio simulator: Paraphe's own instruments, ASP.NET Core's and the database's.</summary>
public abstract class MetricsScrape(ObservedApp app)
{
    private const string Sent = "paraphe_messages_sent_total";
    private static readonly (string, string) Sms = ("channel", "sms"), Twilio = ("provider", "twilio");

    [Fact]
    public async Task SendsRefusalsAndDeliveriesAreCountedByChannelProviderAndOutcome()
    {
        var before = await app.ScrapeAsync();
        using var callbacks = app.CreateClient();

        var delivered = new List<TwilioSimulator.Sms>();
        for (var i = 0; i < 3; i++)
        {
            var mobile = Api.UniqueMobile();
            var procedureId = await app.LaunchForAsync(mobile);
            var sms = await app.Twilio.WaitForAsync(mobile);
            await app.WaitForSmsAsync(procedureId, "sent");
            delivered.Add(sms);
        }
        var refused = Api.UniqueMobile();
        app.Twilio.AnswerFor(refused, SimulatedAnswer.Error(400, "21211", $"The 'To' number {refused} is not a valid phone number."));
        await app.WaitForSmsAsync(await app.LaunchForAsync(refused), "failed");
        app.Clock.Advance(TimeSpan.FromSeconds(42)); // queued → delivered takes at least this long
        foreach (var sms in delivered)
            Assert.Equal(HttpStatusCode.NoContent, (await app.Twilio.CallbackAsync(sms, "delivered", callbacks)).StatusCode);

        var after = await app.ScrapeAsync();
        Assert.Equal(3, after.Value(Sent, Sms, Twilio, ("outcome", "accepted")) - before.Value(Sent, Sms, Twilio, ("outcome", "accepted")));
        Assert.Equal(1, after.Value(Sent, Sms, Twilio, ("outcome", "refused")) - before.Value(Sent, Sms, Twilio, ("outcome", "refused")));
        const string delivery = "paraphe_messages_delivery_duration_seconds";
        Assert.Equal(3, after.Value(delivery + "_count", Sms, Twilio) - before.Value(delivery + "_count", Sms, Twilio));
        Assert.True(after.Value(delivery + "_sum", Sms, Twilio) - before.Value(delivery + "_sum", Sms, Twilio) >= 3 * 42,
            "each delivered SMS waited at least 42 s (the clock moved) between its queueing and its report");
        // Below 30 s: none of these three (their bucket count did not move); at or below one hour: all three.
        Assert.Equal(0, after.Value(delivery + "_bucket", Sms, Twilio, ("le", "30")) - before.Value(delivery + "_bucket", Sms, Twilio, ("le", "30")));
        Assert.Equal(3, after.Value(delivery + "_bucket", Sms, Twilio, ("le", "3600")) - before.Value(delivery + "_bucket", Sms, Twilio, ("le", "3600")));
    }

    [Fact]
    public async Task TheScrapeHasTheOutboxGaugesAndTheFrameworksInstruments()
    {
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        var scrape = await app.ScrapeAsync();

        Assert.Contains("# TYPE paraphe_outbox_backlog gauge", scrape.Text, StringComparison.Ordinal);
        Assert.True(scrape.Has("paraphe_outbox_oldest_due_age_seconds"), scrape.Text);
        Assert.Contains(scrape.Samples(), s => s.Name == "paraphe_outbox_backlog" && s.Labels.GetValueOrDefault("channel") == "email");
        Assert.Contains(scrape.Samples(), s => s.Name == "paraphe_outbox_backlog" && s.Labels.GetValueOrDefault("channel") == "sms");
        scrape = await WaitForHealthCountAsync(count => count >= 1, "the /health request");
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", scrape.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherHostOfTheProcessStoppingDoesNotEndThisHostsRequestCounts()
    {
        // Every host of a process has its own Meter `Microsoft.AspNetCore.Hosting` (from its own IMeterFactory), and
        // every meter provider of the process sees them all. Another host (here a minimal one; in the tests, any other
        // test class's app) that serves a request and stops must leave this host's request counts alive and its own.
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        await WaitForHealthCountAsync(count => count >= 1, "the first /health request");

        var other = WebApplication.CreateBuilder();
        other.WebHost.UseTestServer();
        await using (var otherHost = other.Build())
        {
            otherHost.MapGet("/health", () => "ok");
            await otherHost.StartAsync();
            using var otherClient = otherHost.GetTestClient();
            for (var i = 0; i < 1000; i++) Assert.Equal(HttpStatusCode.OK, (await otherClient.GetAsync("/health")).StatusCode);
            await otherHost.StopAsync();
        }

        var before = (await app.ScrapeAsync()).Value(HealthCount, Health);
        Assert.True(before < 1000, $"the other host's 1,000 requests are not this host's: {before}");
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        await WaitForHealthCountAsync(count => count >= before + 3, $"three more /health requests after {before}");
    }

    private const string HealthCount = "http_server_request_duration_seconds_count";
    private static readonly (string, string) Health = ("http_route", "/health");

    /// <summary>ASP.NET Core records a request's duration as it ends, maybe just after its client read the answer.</summary>
    private async Task<Scrape> WaitForHealthCountAsync(Func<double, bool> enough, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var scrape = await app.ScrapeAsync();
        while (!enough(scrape.Value(HealthCount, Health)))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
                throw new Xunit.Sdk.XunitException($"{HealthCount} for /health never counted {what}:\n{scrape.Text}");
            await Task.Delay(100);
            scrape = await app.ScrapeAsync();
        }
        return scrape;
    }

    [Fact]
    public async Task ASealIsCountedAndTimed()
    {
        var before = await app.ScrapeAsync();
        var api = app.Api();
        var (id, _) = await api.CompletedInPersonAsync();
        await api.WaitForSealedAsync(id);

        // The attempt is recorded once the job's transaction has committed: wait for it, with a bound.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var after = await app.ScrapeAsync();
        while (after.Value("paraphe_seals_total", ("outcome", "sealed")) == before.Value("paraphe_seals_total", ("outcome", "sealed")))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60)) throw new Xunit.Sdk.XunitException("the seal was never counted in paraphe_seals_total");
            await Task.Delay(100);
            after = await app.ScrapeAsync();
        }
        Assert.Equal(1, after.Value("paraphe_seals_total", ("outcome", "sealed")) - before.Value("paraphe_seals_total", ("outcome", "sealed")));
        Assert.Equal(1, after.Value("paraphe_seal_duration_seconds_count", ("outcome", "sealed"))
                        - before.Value("paraphe_seal_duration_seconds_count", ("outcome", "sealed")));
        Assert.True(after.Value("paraphe_seal_duration_seconds_sum", ("outcome", "sealed"))
                    > before.Value("paraphe_seal_duration_seconds_sum", ("outcome", "sealed")), "a seal takes some time");
        Assert.Equal(0, after.Value("paraphe_seals_total", ("outcome", "failed")) - before.Value("paraphe_seals_total", ("outcome", "failed")));
    }

    [Fact]
    public async Task TheListsPagesAreCountedKeptOrBuilt()
    {
        const string pages = "paraphe_procedures_list_pages_total";
        var api = app.Api();
        // A page of its own: a draft (no message moves it) found by a title no other test uses.
        var title = $"Mandat {Guid.NewGuid():N}";
        var document = await api.UploadPdfAsync(title);
        await api.CreateProcedureAsync(document.Str("id"), "remote", (await api.CreateContactAsync()).Str("id"));
        var path = $"/api/v1/procedures?q={title[7..]}&page_size=7";
        var before = await app.ScrapeAsync();
        for (var i = 0; i < 3; i++)
            Assert.Equal(title, (await Expect.JsonAsync(await api.Http.GetAsync(path), HttpStatusCode.OK)).GetProperty("items")[0].Str("title"));
        var after = await app.ScrapeAsync();

        Assert.Equal(1, after.Value(pages, ("answer", "built")) - before.Value(pages, ("answer", "built")));
        Assert.Equal(2, after.Value(pages, ("answer", "kept")) - before.Value(pages, ("answer", "kept")));
    }

    [Fact]
    public async Task ARefusedSendIsLoggedWithItsStableEventId()
    {
        var refused = Api.UniqueMobile();
        app.Twilio.AnswerFor(refused, SimulatedAnswer.Error(400, "21211", $"The 'To' number {refused} is not a valid phone number."));
        var (failed, _) = await app.WaitForSmsAsync(await app.LaunchForAsync(refused), "failed");

        var entry = Assert.Single(app.Logs.Entries, e => e.Message.Contains(failed.Str("id"), StringComparison.Ordinal)
                                                          && e.Category.EndsWith("OutboxDispatcher", StringComparison.Ordinal));
        Assert.Equal(2001, entry.EventId);
        Assert.DoesNotContain(TwilioSimulator.AuthToken, string.Join(" ", entry.Everything), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherMeterNamedParapheInTheSameProcessIsNotMixedIn()
    {
        // Another app in this process (a test host, a second instance) has its own Meter `Paraphe`: not ours to show.
        using var stray = new Meter("Paraphe");
        var counter = stray.CreateCounter<long>("paraphe.messages.sent", "{message}");
        counter.Add(1_000_000, new KeyValuePair<string, object?>("channel", "sms"), new("provider", "stray"), new("outcome", "accepted"));

        var scrape = await app.ScrapeAsync();

        Assert.Equal(0, scrape.Value("paraphe_messages_sent_total", ("provider", "stray")));
    }
}

public sealed class MetricsScrapeOnSqlite(ObservedSqliteApp app) : MetricsScrape(app), IClassFixture<ObservedSqliteApp>;

public sealed class MetricsScrapeOnPostgres(ObservedPostgresApp app) : MetricsScrape(app), IClassFixture<ObservedPostgresApp>;
