using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications.Callbacks;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Callbacks;

/// <summary>
/// The common path of every provider callback: events land on their message and in the procedure's audit trail,
/// repeats change nothing, and events of one procedure arriving at once all land without forking the audit chain.
/// </summary>
public abstract class DeliveryReportRecording(ParapheApp app)
{
    private readonly Api api = app.Api();

    private async Task<List<Notification>> SentAsync(string procedureId, int count)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var sent = await app.DbAsync(db => db.Notifications.IgnoreQueryFilters().AsNoTracking()
                .Where(n => n.ProcedureId == procedureId && n.Status == DeliveryStatus.Sent).ToListAsync());
            if (sent.Count >= count) return sent;
            if (watch.Elapsed > TimeSpan.FromSeconds(20))
                throw new Xunit.Sdk.XunitException($"{sent.Count} of {count} messages sent after 20 s.");
            await Task.Delay(50);
        }
    }

    private Task<ReportOutcome> ReportAsync(MessageRef message, DeliveryReport report) =>
        app.DbAsync(db => DeliveryReports.RecordAsync(db, message, report, CancellationToken.None));

    [Fact]
    public async Task SimultaneousEventsOfOneProcedureAllLandAndTheAuditChainHolds()
    {
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 2);
        var id = procedure.Str("id");
        var sent = await SentAsync(id, 4);

        var outcomes = await Task.WhenAll(sent.Select(n => ReportAsync(new MessageRef("capture", n.Id, null, n.Channel),
            new DeliveryReport(DeliveryStatus.Delivered, app.Clock.GetUtcNow().UtcDateTime, "delivered", Provider: "capture"))));

        Assert.All(outcomes, o => Assert.Equal(ReportOutcome.Recorded, o));
        var read = await api.ProcedureAsync(id);
        Assert.All(read.Signers().SelectMany(s => s.Arr("notifications")).Where(n => n.Str("purpose") == "invitation"),
            n => Assert.Equal("delivered", n.Str("status")));
        var audit = await api.AuditAsync(id);
        Assert.True(audit.GetProperty("valid").GetBoolean());
        Assert.Equal(4, audit.Arr("events").Count(e => e.Str("type") == "notification.delivered"));
        Assert.Equal(4, audit.Arr("events").Count(e => e.Str("type") == "notification.sent"));
    }

    [Fact]
    public async Task ARepeatedEventChangesNothingAndAnUnknownMessageIsUnmatched()
    {
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 1);
        var n = (await SentAsync(procedure.Str("id"), 2))[0];
        var report = new DeliveryReport(DeliveryStatus.Failed, app.Clock.GetUtcNow().UtcDateTime, "hard bounce",
            DeliveryFailure.MailboxUnknown, "capture");

        Assert.Equal(ReportOutcome.Recorded, await ReportAsync(new MessageRef("capture", n.Id, null, n.Channel), report));
        Assert.Equal(ReportOutcome.Unchanged, await ReportAsync(new MessageRef("capture", n.Id, null, n.Channel), report));
        Assert.Equal(ReportOutcome.Unmatched, await ReportAsync(new MessageRef("capture", "ntf_nope", null, Channel.Email), report));
        Assert.Equal(ReportOutcome.Unmatched, await ReportAsync(new MessageRef("twilio", null, "SMnope", Channel.Sms), report));

        var audit = await api.AuditAsync(procedure.Str("id"));
        Assert.Single(audit.Arr("events"), e => e.Str("type") == "notification.failed");
    }

    [Fact]
    public async Task AMessageIsFoundByTheProvidersOwnIdOfThatProviderOnly()
    {
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 1);
        var n = (await SentAsync(procedure.Str("id"), 2))[0];
        Assert.NotNull(n.ProviderMessageId);
        var report = new DeliveryReport(DeliveryStatus.Delivered, app.Clock.GetUtcNow().UtcDateTime, null, Provider: n.Provider);

        Assert.Equal(ReportOutcome.Unmatched, await ReportAsync(new MessageRef("another", null, n.ProviderMessageId, n.Channel), report));
        Assert.Equal(ReportOutcome.Recorded, await ReportAsync(new MessageRef(n.Provider!, null, n.ProviderMessageId, n.Channel), report));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class DeliveryReportRecordingOnSqlite(SqliteApp app) : DeliveryReportRecording(app);

[Collection(PostgresCollection.Name)]
public sealed class DeliveryReportRecordingOnPostgres(PostgresApp app) : DeliveryReportRecording(app);
