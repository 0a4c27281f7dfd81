using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Paraphe.Testing;
using Paraphe.Testing.Crash;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Tests.Abuse;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Crash;

/// <summary>
/// The app sending email over SMTP to a loopback server that can refuse everything (<see cref="CountingSmtpStore"/>),
/// and SMS through the Twilio simulator, whose answer the test sets (503, or no answer at all within the 2 s timeout).
/// </summary>
public abstract class ProviderOutageApp(bool postgres) : ParapheApp
{
    public const string Password = "mot-de-passe-de-test-panne";

    public CountingSmtpStore Store { get; } = new();
    public LoopbackSmtpServer Smtp { get; private set; } = null!;
    public TwilioSimulator Twilio { get; private set; } = null!;

    public override string DatabaseName => postgres ? "postgres" : "sqlite";

    protected override async Task<string?> CreateDatabaseAsync()
    {
        Smtp = LoopbackSmtpServer.Start(Store);
        Twilio = await TwilioSimulator.StartAsync();
        if (!postgres) return null;
        return await (await PostgresCluster.SharedAsync()).CreateUniqueDatabaseAsync("outage");
    }

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Paraphe:Email:Provider", "smtp");
        builder.UseSetting("Paraphe:Email:From", "signature@paraphe.example");
        builder.UseSetting("Paraphe:Email:Smtp:Host", "127.0.0.1");
        builder.UseSetting("Paraphe:Email:Smtp:Port", Smtp.Port.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Paraphe:Email:Smtp:Security", "none");
        builder.UseSetting("Paraphe:Email:BounceAddress", "bounces@paraphe.example");
        builder.UseSetting("Paraphe:Sms:Provider", "twilio");
        builder.UseSetting("Paraphe:Sms:Twilio:AccountSid", TwilioSimulator.AccountSid);
        builder.UseSetting("Paraphe:Sms:Twilio:AuthToken", TwilioSimulator.AuthToken);
        builder.UseSetting("Paraphe:Sms:Twilio:From", "+33644630000");
        builder.UseSetting("Paraphe:Sms:Twilio:BaseUrl", Twilio.BaseUrl);
        builder.UseSetting("Paraphe:Sms:Twilio:Timeout", "00:00:02");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        await Twilio.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteProviderOutageApp() : ProviderOutageApp(postgres: false);

public sealed class PostgresProviderOutageApp() : ProviderOutageApp(postgres: true);

/// <summary>
/// Issue 11, item 2: a provider down for minutes of the app's clock (SMTP answering 451 or 421 to every message; the SMS
/// API answering 503 or not answering at all). Messages show `deferred` in the API and « différé » on the status page,
/// are tried again with backoff and never given up within the outage; when the provider returns, every one leaves,
/// once, and nothing is lost. The clock is driven (FakeTimeProvider), not waited for.
/// </summary>
public abstract class ProviderOutage(ProviderOutageApp app)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private const int Signers = 3;

    [Theory]
    [InlineData(451)]
    [InlineData(421)]
    public async Task EmailsWaitOutAnSmtpOutageAndAllLeaveWhenItEnds(int code)
    {
        // Down before the launch: no message may leave before the outage starts.
        app.Store.RefusalCode = code;
        app.Store.Refusing = true;
        Api api;
        string procedureId;
        try
        {
            (api, procedureId, var agent) = await LaunchAsync();
            await OutageAsync(api, procedureId, agent, "email", () => app.Store.Refused);
            var emails = (await Notifications(api, procedureId, "email")).Select(n => n.Str("id")).ToHashSet();
            Assert.DoesNotContain(app.Store.Received.Keys, emails.Contains);
        }
        finally
        {
            app.Store.Refusing = false;
        }
        var ids = await RecoveryAsync(api, procedureId, "email");
        Assert.All(ids, id => Assert.Equal(1, app.Store.Received.GetValueOrDefault(id)));
    }

    [Theory]
    [InlineData("503")]
    [InlineData("hang")]
    public async Task SmsWaitOutAnApiOutageAndAllLeaveWhenItEnds(string outage)
    {
        var attemptsBefore = app.Twilio.Attempts.Count;
        app.Twilio.Default = outage == "hang" ? SimulatedAnswer.Hang : SimulatedAnswer.Error(503, "20503", "Service Unavailable");
        Api api;
        string procedureId;
        try
        {
            (api, procedureId, var agent) = await LaunchAsync();
            await OutageAsync(api, procedureId, agent, "sms", () => app.Twilio.Attempts.Count - attemptsBefore);
        }
        finally
        {
            app.Twilio.Default = SimulatedAnswer.Accept;
        }
        var ids = await RecoveryAsync(api, procedureId, "sms");
        var accepted = app.Twilio.Accepted.Select(s => new Uri(s.StatusCallback).Query).ToList();
        Assert.All(ids, id => Assert.Single(accepted, q => q.Contains($"n={id}", StringComparison.Ordinal)));
    }

    /// <summary>A remote procedure for <see cref="Signers"/> new contacts (email and mobile), and an agent signed in to its agency.</summary>
    private async Task<(Api Api, string ProcedureId, AgentBrowser Agent)> LaunchAsync()
    {
        var email = $"panne.{Guid.NewGuid():N}@agence-test.fr";
        var created = await app.DbAsync(db => CreateAgency.HandleAsync(db, "Agence Panne", email, ProviderOutageApp.Password, null, CancellationToken.None));
        var agent = new AgentBrowser(app, "203.0.113.90");
        using (var login = await agent.LogInAsync(email, ProviderOutageApp.Password)) Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var api = new Api(app, created.ApiKey);
        var (draft, _) = await api.DraftAsync("remote", Signers);
        return (api, (await api.LaunchAsync(draft.Str("id"))).Str("id"), agent);
    }

    /// <summary>
    /// Keeps the provider down for 15 minutes of the app's clock, in steps that each make the next retry due, and
    /// checks after each step that the channel's messages are deferred (never failed) in the API and on the page.
    /// </summary>
    private async Task OutageAsync(Api api, string procedureId, AgentBrowser agent, string channel, Func<int> attempts)
    {
        await WaitForAsync(api, procedureId, channel, n => n.Str("status") == "deferred", "deferred");
        for (var step = 0; step < 5; step++)
        {
            var before = attempts();
            app.Clock.Advance(TimeSpan.FromMinutes(3)); // past the backoff of the first attempts (30 s, 1 min, 2 min ± 20 %)
            var watch = Stopwatch.StartNew();
            while (attempts() < before + Signers && watch.Elapsed < Wait) await Task.Delay(50);
            var messages = await WaitForAsync(api, procedureId, channel, n => n.Str("status") == "deferred", "deferred again");
            Assert.All(messages, m => Assert.NotEqual("failed", m.Str("status")));
        }
        Assert.True(attempts() >= Signers * 3, $"the provider was tried only {attempts()} times during the outage");

        using var page = await agent.GetAsync($"/procedures/{procedureId}");
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("différé", html, StringComparison.Ordinal);
    }

    /// <summary>The provider is back: once the next retries are due, every message of the channel is sent.</summary>
    private async Task<string[]> RecoveryAsync(Api api, string procedureId, string channel)
    {
        app.Clock.Advance(TimeSpan.FromHours(1)); // the longest backoff
        var sent = await WaitForAsync(api, procedureId, channel, n => n.Str("status") is "sent" or "delivered", "sent after the outage");
        var ids = sent.Select(n => n.Str("id")).ToArray();
        Assert.Equal(Signers, ids.Length);
        // The procedure's other channel was never held back, and its audit chain holds.
        var other = channel == "email" ? "sms" : "email";
        await WaitForAsync(api, procedureId, other, n => n.Str("status") is "sent" or "delivered", "sent (the other channel)");
        Assert.True((await api.AuditAsync(procedureId)).GetProperty("valid").GetBoolean(), "the audit chain is valid after the outage");
        return ids;
    }

    private static async Task<JsonElement[]> Notifications(Api api, string procedureId, string channel)
    {
        var procedure = await api.ProcedureAsync(procedureId);
        return procedure.Signers().SelectMany(s => s.Arr("notifications"))
            .Where(n => n.Str("channel") == channel && n.Str("purpose") == "invitation").ToArray();
    }

    /// <summary>Every invitation of the channel once all satisfy <paramref name="done"/>.</summary>
    private static async Task<JsonElement[]> WaitForAsync(Api api, string procedureId, string channel, Func<JsonElement, bool> done, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var messages = await Notifications(api, procedureId, channel);
            if (messages.Length == Signers && messages.All(done)) return messages;
            if (watch.Elapsed > Wait)
                throw new Xunit.Sdk.XunitException(
                    $"The {channel} invitations were not all {what} within {Wait.TotalSeconds} s: " +
                    string.Join(", ", messages.Select(m => m.Str("status"))));
            await Task.Delay(100);
        }
    }
}

public sealed class ProviderOutageOnSqlite(SqliteProviderOutageApp app) : ProviderOutage(app), IClassFixture<SqliteProviderOutageApp>;

public sealed class ProviderOutageOnPostgres(PostgresProviderOutageApp app) : ProviderOutage(app), IClassFixture<PostgresProviderOutageApp>;
