using System.Net;
using Microsoft.EntityFrameworkCore;
using Paraphe.Domain.Notifications;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Features.Notifications.Callbacks;
using Paraphe.Web.Tests.Infrastructure;
using Paraphe.Web.Tests.Sms;

namespace Paraphe.Web.Tests.Callbacks;

/// <summary>
/// A delivery report is read in one query (the message, its newest event, its procedure's chain end) and chained onto
/// that end (issue 12). What must still hold: every callback sent twice and out of order records each step once (a
/// repeat writes no row at all), and concurrent callbacks for the six messages of one procedure — with their repeats —
/// all land on one valid audit chain. Twilio's over HTTP, signed; the emails' through the same recording path.
/// </summary>
public abstract class CallbackIngestion(SmsApp app)
{
    private readonly HttpClient callbacks = app.CreateClient();

    private static TwilioSimulator.Sms Sms(Notification n) => new(n.ProviderMessageId!, n.To, "Paraphe", "",
        $"{ParapheApp.PublicBaseUrl}/callbacks/sms/twilio?n={n.Id}");

    private Task<(int Events, int Audit)> RowsAsync(string procedureId) => app.DbAsync(async db => (
        await db.NotificationEvents.CountAsync(e => db.Notifications.IgnoreQueryFilters().Any(n => n.Id == e.NotificationId && n.ProcedureId == procedureId)),
        await db.AuditEvents.IgnoreQueryFilters().CountAsync(a => a.ProcedureId == procedureId)));

    [Fact]
    public async Task EachCallbackTwiceAndOutOfOrderRecordsEachStepOnceAndARepeatWritesNothing()
    {
        var procedureId = await app.LaunchForAsync(Api.UniqueMobile());
        var n = (await app.AllSentAsync(procedureId, 2)).Single(x => x.Channel == Channel.Sms);
        var sms = Sms(n);

        // delivered overtakes sent; then each again, in the other order.
        foreach (var status in new[] { "delivered", "sent", "delivered" })
            Assert.Equal(HttpStatusCode.NoContent, (await app.Twilio.CallbackAsync(sms, status, callbacks)).StatusCode);
        var rows = await RowsAsync(procedureId);
        foreach (var status in new[] { "sent", "delivered", "undelivered", "delivered" })
            Assert.Equal(HttpStatusCode.NoContent, (await app.Twilio.CallbackAsync(sms, status, callbacks, status == "undelivered" ? "30005" : null)).StatusCode);

        Assert.Equal(rows, await RowsAsync(procedureId)); // no notification event, no audit event: the repeats wrote nothing
        var (delivered, _) = await app.WaitForSmsAsync(procedureId, "delivered");
        Assert.Equal(new[] { "queued", "sending", "sent", "delivered" }, delivered.Statuses());
        Assert.Single(await app.AuditTypesAsync(procedureId), t => t == "notification.delivered");
        Assert.True((await app.Api().AuditAsync(procedureId)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task AStaleOrRepeatedDelayIsToldFromTheNewestStoredEventAlone()
    {
        var procedureId = await app.LaunchForAsync(Api.UniqueMobile());
        var n = (await app.AllSentAsync(procedureId, 2)).Single(x => x.Channel == Channel.Sms);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        Task<ReportOutcome> Deferred(int seconds, string detail) => app.DbAsync(db => DeliveryReports.RecordAsync(db,
            new MessageRef("twilio", n.Id, null, Channel.Sms),
            new DeliveryReport(DeliveryStatus.Deferred, now.AddSeconds(seconds), detail, Provider: "twilio"), CancellationToken.None));

        Assert.Equal(ReportOutcome.Recorded, await Deferred(10, "opérateur occupé"));
        Assert.Equal(ReportOutcome.Unchanged, await Deferred(5, "plus ancien")); // older than the newest stored event
        Assert.Equal(ReportOutcome.Unchanged, await Deferred(10, "opérateur occupé")); // the same status with the same words
        Assert.Equal(ReportOutcome.Recorded, await Deferred(20, "toujours occupé"));

        var (sms, _) = await app.WaitForSmsAsync(procedureId, "deferred");
        Assert.Equal(new[] { "queued", "sending", "sent", "deferred", "deferred" }, sms.Statuses());
        Assert.True((await app.Api().AuditAsync(procedureId)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ConcurrentCallbacksForTheSixMessagesOfOneProcedureWithTheirRepeatsKeepOneValidChain()
    {
        var (procedure, _) = await app.Api().LaunchedAsync("remote", signers: 3);
        var procedureId = procedure.Str("id");
        var sent = await app.AllSentAsync(procedureId, 6);
        Assert.Equal(3, sent.Count(n => n.Channel == Channel.Sms));

        var at = app.Clock.GetUtcNow().UtcDateTime;
        var work = new List<Func<Task>>();
        foreach (var n in sent)
            for (var repeat = 0; repeat < 2; repeat++)
                work.Add(n.Channel == Channel.Sms
                    ? async () => Assert.Equal(HttpStatusCode.NoContent, (await app.Twilio.CallbackAsync(Sms(n), "delivered", callbacks)).StatusCode)
                    : async () => Assert.NotEqual(ReportOutcome.Unmatched, await app.DbAsync(db => DeliveryReports.RecordAsync(db,
                        new MessageRef(n.Provider!, n.Id, null, Channel.Email),
                        new DeliveryReport(DeliveryStatus.Delivered, at, "remis", Provider: n.Provider), CancellationToken.None))));
        await Task.WhenAll(work.Select(w => Task.Run(w)));

        var stored = await app.DbAsync(db => db.Notifications.IgnoreQueryFilters().AsNoTracking().Include(n => n.Events)
            .Where(n => n.ProcedureId == procedureId && n.Purpose == Purpose.Invitation).ToListAsync());
        Assert.Equal(6, stored.Count);
        Assert.All(stored, n => Assert.Equal(DeliveryStatus.Delivered, n.Status));
        Assert.All(stored, n => Assert.Single(n.Events, e => e.Status == DeliveryStatus.Delivered));
        var audit = await app.Api().AuditAsync(procedureId);
        Assert.True(audit.GetProperty("valid").GetBoolean());
        Assert.Equal(6, audit.Arr("events").Count(e => e.Str("type") == "notification.delivered"));
        var seqs = await app.DbAsync(db => db.AuditEvents.IgnoreQueryFilters().Where(a => a.ProcedureId == procedureId)
            .OrderBy(a => a.Seq).Select(a => a.Seq).ToListAsync());
        Assert.Equal(Enumerable.Range(1, seqs.Count), seqs);
    }
}

public sealed class CallbackIngestionOnSqlite(TwilioSqliteApp app) : CallbackIngestion(app), IClassFixture<TwilioSqliteApp>;

public sealed class CallbackIngestionOnPostgres(TwilioPostgresApp app) : CallbackIngestion(app), IClassFixture<TwilioPostgresApp>;
