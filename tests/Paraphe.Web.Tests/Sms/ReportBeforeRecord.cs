using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Sms;

/// <summary>
/// A delivery report that reaches a message between its send and the dispatcher's record of that send (a fast SMS
/// receipt) is never undone by the record, and the provider's answer is still recorded. On SQLite the record of an
/// accepted batch is set-based (Outbox/OutboxDispatcher.SentRecord): its update, guarded by the message's token,
/// matches no row here, is rolled back, and the batch goes through the save pipeline from the database.
/// </summary>
public abstract class ReportBeforeRecord(SmsApp app)
{
    [Fact]
    public async Task ADeliveredReportOvertakingTheAnswerStaysAndTheAnswerIsStillRecorded()
    {
        var mobile = Api.UniqueMobile();
        using var callbacks = app.CreateClient();
        app.Twilio.BeforeAnswer = async sms =>
        {
            if (sms.To == mobile) (await app.Twilio.CallbackAsync(sms, "delivered", callbacks)).EnsureSuccessStatusCode();
        };
        try
        {
            var procedureId = await app.LaunchForAsync(mobile);
            var sms = await app.Twilio.WaitForAsync(mobile);
            Task<Notification> RowAsync() => app.DbAsync(db => db.Notifications.IgnoreQueryFilters().Include(n => n.Events)
                .SingleAsync(n => n.ProcedureId == procedureId && n.Channel == Channel.Sms));

            var watch = Stopwatch.StartNew();
            while ((await RowAsync()).ProviderMessageId is null)
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(60))
                    throw new Xunit.Sdk.XunitException($"the SMS to {mobile} was answered by Twilio but its answer was never recorded (status {(await RowAsync()).Status})");
                await Task.Delay(100);
            }

            var row = await RowAsync();
            Assert.Equal(DeliveryStatus.Delivered, row.Status); // the record did not move it back to `sent`
            Assert.Equal(("twilio", sms.Sid), (row.Provider, row.ProviderMessageId));
            Assert.Equal(new[] { DeliveryStatus.Queued, DeliveryStatus.Sending, DeliveryStatus.Delivered },
                row.Events.OrderBy(e => e.Id).Select(e => e.Status));
            var audit = await app.Api().AuditAsync(procedureId);
            Assert.True(audit.GetProperty("valid").GetBoolean(), "the audit chain is valid");
            // This SMS's own audit events (the procedure's email has its own): its delivery only, no `sent` after it.
            var types = await app.DbAsync(db => db.AuditEvents.IgnoreQueryFilters()
                .Where(a => a.ProcedureId == procedureId && a.Data.Contains(row.Id)).OrderBy(a => a.Seq).Select(a => a.Type).ToListAsync());
            Assert.Equal(new[] { "notification.delivered" }, types);
        }
        finally
        {
            app.Twilio.BeforeAnswer = null;
        }
    }
}

public sealed class ReportBeforeRecordOnSqlite(TwilioSqliteApp app) : ReportBeforeRecord(app), IClassFixture<TwilioSqliteApp>;

public sealed class ReportBeforeRecordOnPostgres(TwilioPostgresApp app) : ReportBeforeRecord(app), IClassFixture<TwilioPostgresApp>;
