using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data.Configurations;
using Paraphe.Domain.Notifications;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Features.Notifications.Callbacks;
using Paraphe.Web.Platform.Observability;
using Paraphe.Web.Tests.Infrastructure;
using Paraphe.Web.Tests.Sms;

namespace Paraphe.Web.Tests.Callbacks;

/// <summary>
/// Good news from a provider (`sent`, `delivered`) is written without EF's save (issue 12, <see cref="DeliveryWrite"/>):
/// what the save's interceptors did must still happen — « À corriger » computed again for a flagged procedure, the
/// delivery metric, webhooks exactly as before (none for a delivery; <c>signer.unreachable</c> after failures, which
/// still go through the save) — and a new save interceptor must be reviewed against that path.
/// (Repeats and racing callbacks on one chain: <see cref="CallbackIngestion"/>, which now runs through this path.)
/// </summary>
public abstract class DeliveryWriteGuarantees(SmsApp app)
{
    private readonly HttpClient callbacks = app.CreateClient();

    private static TwilioSimulator.Sms Sms(Notification n) => new(n.ProviderMessageId!, n.To, "Paraphe", "",
        $"{ParapheApp.PublicBaseUrl}/callbacks/sms/twilio?n={n.Id}");

    private async Task CallbackAsync(Notification sms, string status, string? errorCode = null) =>
        Assert.Equal(HttpStatusCode.NoContent, (await app.Twilio.CallbackAsync(Sms(sms), status, callbacks, errorCode)).StatusCode);

    private Task<bool> FlaggedAsync(string procedureId) => app.DbAsync(db => db.Procedures.IgnoreQueryFilters()
        .Where(p => p.Id == procedureId).Select(p => EF.Property<bool>(p, ProcedureAttention.Column)).SingleAsync());

    private Task<ReportOutcome> EmailAsync(Notification email, DeliveryStatus status, DeliveryFailure failure = DeliveryFailure.None) =>
        app.DbAsync(db => DeliveryReports.RecordAsync(db, new MessageRef(email.Provider!, email.Id, null, Channel.Email),
            new DeliveryReport(status, app.Clock.GetUtcNow().UtcDateTime, status == DeliveryStatus.Failed ? "550 5.1.1 inconnu" : "remis",
                failure, Provider: email.Provider), CancellationToken.None));

    [Fact]
    public async Task AFlaggedProcedureIsComputedAgainAfterADirectlyWrittenDeliveryAndAFailureStillFlagsOne()
    {
        // Flagged (a stale value, what a failed update leaves): the delivery, written directly, computes it again.
        var stale = await app.LaunchForAsync(Api.UniqueMobile());
        var staleSms = (await app.AllSentAsync(stale, 2)).Single(n => n.Channel == Channel.Sms);
        await app.DbAsync(db => db.Procedures.IgnoreQueryFilters().Where(p => p.Id == stale)
            .ExecuteUpdateAsync(u => u.SetProperty(p => EF.Property<bool>(p, ProcedureAttention.Column), true)));
        await CallbackAsync(staleSms, "delivered");
        Assert.False(await FlaggedAsync(stale), "a delivery must compute a flagged procedure again (and clear a stale flag)");

        // Not flagged: good news leaves it so.
        var fine = await app.LaunchForAsync(Api.UniqueMobile());
        var fineSms = (await app.AllSentAsync(fine, 2)).Single(n => n.Channel == Channel.Sms);
        await CallbackAsync(fineSms, "delivered");
        Assert.False(await FlaggedAsync(fine));

        // Bad news (the save, as before) flags it; a repeat of good news on the failed message changes nothing.
        var bad = await app.LaunchForAsync(Api.UniqueMobile());
        var sent = await app.AllSentAsync(bad, 2);
        Assert.Equal(ReportOutcome.Recorded, await EmailAsync(sent.Single(n => n.Channel == Channel.Email), DeliveryStatus.Failed, DeliveryFailure.MailboxUnknown));
        Assert.True(await FlaggedAsync(bad), "a hard bounce must flag the procedure « À corriger »");
        Assert.True((await app.Api().AuditAsync(bad)).GetProperty("valid").GetBoolean());
        Assert.True((await app.Api().AuditAsync(stale)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ReportedMessageReadMatchesTheCompiledQuery()
    {
        // Messages in several states: sent (one event), failed through the save (error, failure kind, two events),
        // delivered directly; each read by Paraphe's id and by the provider's id, below EF and by the compiled query.
        var procedureId = await app.LaunchForAsync(Api.UniqueMobile());
        var sent = await app.AllSentAsync(procedureId, 2);
        var (sms, email) = (sent.Single(n => n.Channel == Channel.Sms), sent.Single(n => n.Channel == Channel.Email));
        var other = await app.LaunchForAsync(Api.UniqueMobile());
        var otherSms = (await app.AllSentAsync(other, 2)).Single(n => n.Channel == Channel.Sms);
        await CallbackAsync(sms, "delivered");
        Assert.Equal(ReportOutcome.Recorded, await EmailAsync(email, DeliveryStatus.Failed, DeliveryFailure.MailboxUnknown));

        var compared = 0;
        await app.DbAsync(async db =>
        {
            Assert.True(ReportedMessageRead.Usable(db), "the read below EF must follow this model (else the compiled query runs)");
            var properties = db.Model.FindEntityType(typeof(Notification))!.GetProperties().ToList();
            foreach (var n in new[] { sms, email, otherSms })
            foreach (var message in n.ProviderMessageId is null ? [new MessageRef(n.Provider!, n.Id, null, n.Channel)]
                         : new[] { new MessageRef(n.Provider!, n.Id, null, n.Channel), new MessageRef(n.Provider!, null, n.ProviderMessageId, n.Channel),
                             new MessageRef(n.Provider!, "ntf_unknown", n.ProviderMessageId, n.Channel) })
            {
                var raw = await DeliveryReports.FindAsync(db, message, tracked: false, CancellationToken.None);
                var ef = await DeliveryReports.FindAsync(db, message, tracked: false, CancellationToken.None, compiled: true);
                Assert.NotNull(raw);
                Assert.NotNull(ef);
                foreach (var p in properties)
                {
                    var (a, b) = (p.GetGetter().GetClrValueUsingContainingEntity(raw.Notification), p.GetGetter().GetClrValueUsingContainingEntity(ef.Notification));
                    Assert.True(Equals(a, b) && (a is not DateTime d || d.Kind == ((DateTime)b!).Kind), $"{n.Id} {p.Name}: {a} below EF, {b} compiled");
                }
                Assert.Equal(ef.LastStatus, raw.LastStatus);
                Assert.Equal(ef.LastAt, raw.LastAt);
                Assert.Equal(ef.LastDetail, raw.LastDetail);
                Assert.Equal(ef.ChainSeq, raw.ChainSeq);
                Assert.Equal(ef.ChainHash, raw.ChainHash);
                Assert.NotNull(raw.ChainHash);
                Assert.Empty(raw.Notification.Events.Skip(1)); // no history loaded (only what LoadedWithLastEvent adds)
                compared++;
            }
            // Nothing that is not that message: another channel, an unknown id.
            foreach (var message in new[] { new MessageRef("twilio", sms.Id, null, Channel.Email), new MessageRef("twilio", "ntf_unknown", "SM_unknown", Channel.Sms),
                         new MessageRef("brevo", null, sms.ProviderMessageId, Channel.Sms) })
            {
                Assert.Null(await DeliveryReports.FindAsync(db, message, tracked: false, CancellationToken.None));
                Assert.Null(await DeliveryReports.FindAsync(db, message, tracked: false, CancellationToken.None, compiled: true));
            }
        });
        Assert.True(compared >= 7, $"{compared} reads compared");
    }

    [Fact]
    public async Task ADirectlyWrittenDeliveryIsMeasuredOnceAndARepeatIsNot()
    {
        var procedureId = await app.LaunchForAsync(Api.UniqueMobile());
        var sms = (await app.AllSentAsync(procedureId, 2)).Single(n => n.Channel == Channel.Sms);
        var instance = app.Services.GetRequiredService<ParapheMetrics>().Instance;
        var measured = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ParapheMetrics.MeterName && instrument.Name == "paraphe.messages.delivery.duration"
                && instrument.Meter.Tags?.Any(t => t.Key == ParapheMetrics.InstanceTag && (string?)t.Value == instance) == true)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "channel" && (string?)tag.Value == "sms") Interlocked.Increment(ref measured);
        });
        listener.Start();

        await CallbackAsync(sms, "delivered");
        var once = Volatile.Read(ref measured);
        await CallbackAsync(sms, "delivered");

        Assert.True(once == 1, $"the delivered callback recorded {once} times from queue to delivery, expected one");
        Assert.Equal(once, Volatile.Read(ref measured)); // the repeat wrote nothing and measured nothing
        Assert.Single(await app.AuditTypesAsync(procedureId), t => t == "notification.delivered");
    }

    [Fact]
    public async Task WebhooksSeeDeliveryEventsAsBefore()
    {
        var all = new[] { "procedure.launched", "procedure.completed", "procedure.sealed", "procedure.cancelled", "procedure.declined",
            "procedure.expired", "signer.opened", "signer.signed", "signer.declined", "signer.unreachable" };
        var endpoint = (await Expect.JsonAsync(await app.Api().PostAsync("/api/v1/webhooks",
            new { url = "https://crm.invalid/paraphe-delivery", events = all }), HttpStatusCode.Created)).Str("id");
        try
        {
            Task<List<string>> TypesAsync(string procedureId) => app.DbAsync(db => db.WebhookDeliveries.IgnoreQueryFilters()
                .Where(d => d.ProcedureId == procedureId).Select(d => d.Type).ToListAsync());

            // Good news written directly: no webhook (no delivery event is published), as through the save.
            var good = await app.LaunchForAsync(Api.UniqueMobile());
            var goodSent = await app.AllSentAsync(good, 2);
            var before = await TypesAsync(good);
            Assert.Contains("procedure.launched", before);
            await CallbackAsync(goodSent.Single(n => n.Channel == Channel.Sms), "delivered");
            Assert.Equal(ReportOutcome.Recorded, await EmailAsync(goodSent.Single(n => n.Channel == Channel.Email), DeliveryStatus.Delivered));
            Assert.Equal(before.Order(), (await TypesAsync(good)).Order());

            // Every channel of the signer failed (a hard bounce, then an unknown number by Twilio): signer.unreachable.
            var bad = await app.LaunchForAsync(Api.UniqueMobile());
            var badSent = await app.AllSentAsync(bad, 2);
            Assert.Equal(ReportOutcome.Recorded, await EmailAsync(badSent.Single(n => n.Channel == Channel.Email), DeliveryStatus.Failed, DeliveryFailure.MailboxUnknown));
            await CallbackAsync(badSent.Single(n => n.Channel == Channel.Sms), "undelivered", "30005");
            Assert.Single(await TypesAsync(bad), t => t == "signer.unreachable");
        }
        finally
        {
            await app.Api().DeleteAsync($"/api/v1/webhooks/{endpoint}");
        }
    }

    [Fact]
    public async Task RacingDeliveriesOnFewChainsAreEachRecordedOnceOnValidChains()
    {
        // Four procedures, six messages each, every delivery sent three times at once: most writes lose the race for
        // their chain's end (the unique index refuses the row) or for their message, roll back and retry afresh.
        var procedures = new List<string>();
        for (var i = 0; i < 4; i++) procedures.Add((await app.Api().LaunchedAsync("remote", signers: 3)).Procedure.Str("id"));
        var sent = new List<Notification>();
        foreach (var id in procedures) sent.AddRange(await app.AllSentAsync(id, 6));

        var at = app.Clock.GetUtcNow().UtcDateTime;
        var work = sent.SelectMany(n => Enumerable.Repeat(n, 3)).Select(n => n.Channel == Channel.Sms
            ? (Func<Task>)(() => CallbackAsync(n, "delivered"))
            : () => app.DbAsync(db => DeliveryReports.RecordAsync(db, new MessageRef(n.Provider!, n.Id, null, Channel.Email),
                new DeliveryReport(DeliveryStatus.Delivered, at, "remis", Provider: n.Provider), CancellationToken.None))).ToList();
        await Task.WhenAll(work.Select(w => Task.Run(w)));

        foreach (var id in procedures)
        {
            var stored = await app.DbAsync(db => db.Notifications.IgnoreQueryFilters().AsNoTracking().Include(n => n.Events)
                .Where(n => n.ProcedureId == id && n.Purpose == Purpose.Invitation).ToListAsync());
            Assert.All(stored, n => Assert.Single(n.Events, e => e.Status == DeliveryStatus.Delivered));
            var seqs = await app.DbAsync(db => db.AuditEvents.IgnoreQueryFilters().Where(a => a.ProcedureId == id)
                .OrderBy(a => a.Seq).Select(a => a.Seq).ToListAsync());
            Assert.Equal(Enumerable.Range(1, seqs.Count), seqs);
            Assert.Equal(6, (await app.AuditTypesAsync(id)).Count(t => t == "notification.delivered"));
            Assert.True((await app.Api().AuditAsync(id)).GetProperty("valid").GetBoolean());
        }
    }

    [Fact]
    public void DeliveryWriteKnowsEverySaveInterceptor()
    {
        // A new save interceptor may react to a delivery change: DeliveryWrite must then reproduce it (or send such
        // changes through the save) before it joins this list.
        var registered = app.Services.GetServices<IInterceptor>().OfType<ISaveChangesInterceptor>().Select(i => i.GetType()).ToHashSet();
        Assert.Empty(registered.Except(DeliveryWrite.Reviewed).Select(t => t.FullName));
    }
}

public sealed class DeliveryWriteGuaranteesOnSqlite(TwilioSqliteApp app) : DeliveryWriteGuarantees(app), IClassFixture<TwilioSqliteApp>;

public sealed class DeliveryWriteGuaranteesOnPostgres(TwilioPostgresApp app) : DeliveryWriteGuarantees(app), IClassFixture<TwilioPostgresApp>;
