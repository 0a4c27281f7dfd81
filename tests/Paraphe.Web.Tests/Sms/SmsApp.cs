using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Paraphe.Domain.Notifications;
using Paraphe.Testing;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Sms;

/// <summary>
/// The app sending SMS through real HTTP to the Twilio and Brevo simulators on loopback (email stays on capture).
/// <paramref name="provider"/> and <paramref name="fallback"/> are `Paraphe:Sms:Provider` and `:Fallback`.
/// </summary>
public abstract class SmsApp(string provider, string? fallback, bool postgres) : ParapheApp
{
    public const string WebhookSecret = "brevo0webhook0secret0for0tests";

    public TwilioSimulator Twilio { get; private set; } = null!;
    public BrevoSmsSimulator Brevo { get; private set; } = null!;

    /// <summary>
    /// Twilio's timeout where it is failed over: short, so that a hanging Twilio costs the tests a few seconds, yet
    /// long enough that a cold first call on a loaded machine is not taken for an outage. Elsewhere: the default.
    /// </summary>
    public static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(5);

    public override string DatabaseName => postgres ? "postgres" : "sqlite";

    protected override async Task<string?> CreateDatabaseAsync()
    {
        Twilio = await TwilioSimulator.StartAsync();
        Brevo = await BrevoSmsSimulator.StartAsync();
        if (!postgres) return null;
        var cluster = await PostgresCluster.SharedAsync();
        return await cluster.CreateUniqueDatabaseAsync("sms");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var timeout = fallback is null ? "00:00:10" : FailoverTimeout.ToString("c", CultureInfo.InvariantCulture);
        builder.UseSetting("Paraphe:Sms:Provider", provider);
        builder.UseSetting("Paraphe:Sms:Fallback", fallback ?? "");
        builder.UseSetting("Paraphe:Sms:Twilio:AccountSid", TwilioSimulator.AccountSid);
        builder.UseSetting("Paraphe:Sms:Twilio:AuthToken", TwilioSimulator.AuthToken);
        builder.UseSetting("Paraphe:Sms:Twilio:From", "+33644630000");
        builder.UseSetting("Paraphe:Sms:Twilio:BaseUrl", Twilio.BaseUrl);
        builder.UseSetting("Paraphe:Sms:Twilio:Timeout", timeout);
        builder.UseSetting("Paraphe:Sms:Brevo:ApiKey", BrevoSmsSimulator.ApiKey);
        builder.UseSetting("Paraphe:Sms:Brevo:WebhookSecret", WebhookSecret);
        builder.UseSetting("Paraphe:Sms:Brevo:BaseUrl", Brevo.BaseUrl);
        builder.UseSetting("Paraphe:Sms:Failover:FailuresBeforeOpen", "2");
        builder.UseSetting("Paraphe:Sms:Failover:CoolDown", "00:01:00");
    }

    /// <summary>A remote procedure launched for one new contact with <paramref name="mobile"/>; returns its id.</summary>
    public async Task<string> LaunchForAsync(string mobile)
    {
        var api = Api();
        var contact = await api.CreateContactAsync(mobile: mobile);
        Assert.Equal(mobile, contact.Str("mobile"));
        var document = await api.UploadPdfAsync();
        var draft = await api.CreateProcedureAsync(document.Str("id"), "remote", contact.Str("id"));
        return (await api.LaunchAsync(draft.Str("id"))).Str("id");
    }

    /// <summary>The procedure's sms invitation once <paramref name="done"/> holds, and its signer.</summary>
    public Task<(JsonElement Sms, JsonElement Signer)> WaitForSmsAsync(string procedureId, Func<JsonElement, bool> done) =>
        Api().WaitForInvitationAsync(procedureId, "sms", done);

    public Task<(JsonElement Sms, JsonElement Signer)> WaitForSmsAsync(string procedureId, string status) =>
        WaitForSmsAsync(procedureId, n => n.Str("status") == status);

    /// <summary>The procedure's `sent` messages, once there are at least <paramref name="count"/> (waits up to 60 s).</summary>
    public async Task<List<Notification>> AllSentAsync(string procedureId, int count)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var sent = await DbAsync(db => db.Notifications.IgnoreQueryFilters().AsNoTracking()
                .Where(n => n.ProcedureId == procedureId && n.Status == DeliveryStatus.Sent).ToListAsync());
            if (sent.Count >= count) return sent;
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
                throw new Xunit.Sdk.XunitException($"{sent.Count} of {count} messages of {procedureId} sent after 60 s.");
            await Task.Delay(50);
        }
    }

    /// <summary>The audit event types of the procedure, in order.</summary>
    public async Task<string[]> AuditTypesAsync(string procedureId) =>
        (await Api().AuditAsync(procedureId)).Arr("events").Select(e => e.Str("type")).ToArray();

    public Task<string> DemoSmsSenderAsync() => DbAsync(async db =>
    {
        var id = await DemoAgencyIdAsync();
        return await db.Agencies.Where(a => a.Id == id).Select(a => a.SmsSender).SingleAsync();
    });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Twilio.DisposeAsync();
        await Brevo.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class TwilioSqliteApp() : SmsApp("twilio", null, postgres: false);
public sealed class TwilioPostgresApp() : SmsApp("twilio", null, postgres: true);
public sealed class BrevoSqliteApp() : SmsApp("brevo", null, postgres: false);
public sealed class BrevoPostgresApp() : SmsApp("brevo", null, postgres: true);
public sealed class FailoverSqliteApp() : SmsApp("twilio", "brevo", postgres: false);

public static class SmsJson
{
    public static string[] Codes(this JsonElement signer) => signer.Arr("diagnosis").Select(d => d.Str("code")).ToArray();

    public static string[] Statuses(this JsonElement notification) => notification.Arr("events").Select(e => e.Str("status")).ToArray();

    public static string[] Details(this JsonElement notification) =>
        notification.Arr("events").Select(e => e.StrOrNull("detail") ?? "").ToArray();

    /// <summary>A valid Réunion mobile (+262 692…), different for every call.</summary>
    public static string UniqueReunionMobile() =>
        "+262692" + Random.Shared.Next(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
}
