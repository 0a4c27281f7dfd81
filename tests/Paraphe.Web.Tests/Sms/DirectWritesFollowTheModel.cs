using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Tests.Sms;

/// <summary>
/// The dispatcher records an accepted batch set-based, with SQL that names its columns (issue 12,
/// <c>OutboxDispatcher.SentRecord</c>): a column added to an event or an audit event, a property that
/// <see cref="Notification.Accepted"/> starts to change, or a new save interceptor would otherwise be silently skipped
/// by that path while the save pipeline kept writing it. Each is pinned here to EF's model and to the app's services.
/// </summary>
public sealed partial class DirectWritesFollowTheModel(TwilioSqliteApp app) : IClassFixture<TwilioSqliteApp>
{
    [Fact]
    public Task TheSentRecordInsertsEveryColumnOfAnEventAndOfAnAuditEvent() => app.DbAsync(db =>
    {
        Assert.Equal(Insertable(db.Model, typeof(NotificationEvent)), Names(OutboxDispatcher.EventColumns));
        Assert.Equal(Insertable(db.Model, typeof(AuditEvent)), Names(OutboxDispatcher.AuditColumns));
        return Task.CompletedTask;
    });

    [Fact]
    public Task TheSentRecordUpdatesExactlyWhatAnAcceptanceChanges() => app.DbAsync(db =>
    {
        var now = DateTime.UtcNow;
        var n = Notification.Queue("agency", "procedure", "signer", Channel.Sms, Purpose.Invitation, "+33612345678", now);
        // A second attempt, after a failure on our side: the acceptance then also clears the error.
        n.StartSending(now, TimeSpan.FromMinutes(5));
        n.RetryLater("délai dépassé", now.AddMinutes(1), now);
        n.StartSending(now.AddMinutes(1), TimeSpan.FromMinutes(5));
        db.Attach(n); // as claimed: what the database holds when the record runs
        n.Accepted("twilio", "SM123", now.AddMinutes(2));
        db.ChangeTracker.DetectChanges();
        var changed = db.Entry(n).Properties.Where(p => p.IsModified).Select(p => p.Metadata.GetColumnName()).Order().ToList();
        db.ChangeTracker.Clear();
        Assert.Equal(changed, Names(OutboxDispatcher.SentSet));
        return Task.CompletedTask;
    });

    [Fact]
    public void TheSentRecordKnowsEverySaveInterceptor()
    {
        // A new save interceptor may react to a message's acceptance: the set-based record must then reproduce it (or
        // send such batches through the save) before it joins the list.
        var registered = app.Services.GetServices<IInterceptor>().OfType<ISaveChangesInterceptor>().Select(i => i.GetType());
        Assert.Empty(registered.Except(OutboxDispatcher.ReviewedInterceptors).Select(t => t.FullName));
    }

    private static List<string> Insertable(IModel model, Type type) => model.FindEntityType(type)!.GetProperties()
        .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never)).Select(p => p.GetColumnName()).Order().ToList();

    /// <summary>The quoted column names of a piece of SQL ("Status" = …, ("At", "Detail") …), sorted.</summary>
    private static List<string> Names(string sql) => Quoted().Matches(sql).Select(m => m.Groups[1].Value).Order().ToList();

    [GeneratedRegex("\"([A-Za-z]+)\"")]
    private static partial Regex Quoted();
}
