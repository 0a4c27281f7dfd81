using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Paraphe.Data;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Features.Notifications.Email;

public enum BounceOutcome { Recorded, Unchanged, NotADsn, Unmatched }

/// <summary>
/// Applies a DSN received by the bounce listener to its notification, matched by the VERP recipient
/// (`bounces+ntf_…@`) or else by the original Message-ID: 5.x.x → failed (with its kind), 4.x.x → deferred.
/// </summary>
public sealed partial class BounceProcessor(
    IServiceScopeFactory scopes, IOptionsMonitor<BounceOptions> options, TimeProvider clock, ILogger<BounceProcessor> log)
{
    public async Task<BounceOutcome> HandleAsync(MimeMessage message, IReadOnlyList<string> envelopeRecipients, CancellationToken ct)
    {
        var report = DsnReport.Parse(message);
        if (report is null)
        {
            LogNotADsn(message.MessageId ?? "(none)", message.Subject ?? "");
            return BounceOutcome.NotADsn;
        }

        var bounce = options.CurrentValue.BounceAddress ?? "";
        var ids = envelopeRecipients.Concat(message.To.Mailboxes.Select(m => m.Address))
            .Select(a => Verp.NotificationId(bounce, a)).OfType<string>().Distinct().ToList();

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var notifications = db.Notifications.IgnoreQueryFilters().Include(n => n.Events);
        var n = ids.Count > 0 ? await notifications.FirstOrDefaultAsync(x => ids.Contains(x.Id), ct) : null;
        if (n is null && report.OriginalMessageId is { } messageId)
            n = await notifications.FirstOrDefaultAsync(x => x.ProviderMessageId == messageId && x.Channel == Channel.Email, ct);
        if (n is null)
        {
            LogUnmatched(string.Join(", ", envelopeRecipients), report.OriginalMessageId ?? "(none)");
            return BounceOutcome.Unmatched;
        }

        // The recipient that matters: a failure wins over a delay, a delay over a success.
        var worst = report.Recipients.OrderByDescending(r => r.Class switch { '5' => 3, '4' => 2, _ => 1 }).First();
        if (n.IsFinal)
        {
            LogLate(n.Id, n.Status.ToString(), worst.Status);
            return BounceOutcome.Unchanged;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        switch (worst.Class)
        {
            case '5':
                n.Failed(worst.Detail, now, SmtpStatus.Kind(worst.Status));
                break;
            case '4':
                n.Deferred(now, worst.Detail);
                break;
            default:
                if (worst.Action is "delivered") n.Delivered(now, worst.Detail);
                else return BounceOutcome.Unchanged; // relayed, expanded: nothing we can say
                break;
        }
        await db.SaveChangesAsync(ct);
        LogRecorded(n.Id, worst.Status, n.Status.ToString());
        return BounceOutcome.Recorded;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bounce listener: ignored a message that is not a DSN (Message-ID {MessageId}, subject '{Subject}')")]
    private partial void LogNotADsn(string messageId, string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bounce listener: DSN to {Recipients} (original Message-ID {MessageId}) matches no notification")]
    private partial void LogUnmatched(string recipients, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bounce listener: DSN {Status} for notification {NotificationId}, already {State}: unchanged")]
    private partial void LogLate(string notificationId, string state, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bounce listener: DSN {Status} recorded on notification {NotificationId}, now {State}")]
    private partial void LogRecorded(string notificationId, string status, string state);
}
