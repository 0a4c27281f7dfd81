using Microsoft.Extensions.Options;
using MimeKit;
using Paraphe.Data;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications.Callbacks;

namespace Paraphe.Web.Features.Notifications.Email;

public enum BounceOutcome { Recorded, Unchanged, NotADsn, Unmatched }

/// <summary>
/// Applies a DSN received by the bounce listener to its notification, matched by the envelope recipient (the VERP
/// address `bounces+ntf_…@`, which only Paraphe's own envelope sender carries) or else by the original Message-ID, and
/// only ever to an email: 5.x.x → failed (with its kind), 4.x.x → deferred. The headers of the DSN (`To:`, `From:`) are
/// written by whoever sent it and are never trusted to name a notification.
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
        var ids = envelopeRecipients.Select(a => Verp.NotificationId(bounce, a)).OfType<string>().Distinct().ToList();

        // The recipient that matters: a failure wins over a delay, a delay over a success.
        var worst = report.Recipients.OrderByDescending(r => r.Class switch { '5' => 3, '4' => 2, _ => 1 }).First();
        var now = clock.GetUtcNow().UtcDateTime;
        DeliveryReport? delivery = worst.Class switch
        {
            '5' => new DeliveryReport(DeliveryStatus.Failed, now, worst.Detail, SmtpStatus.Kind(worst.Status), SmtpSender.ProviderName),
            '4' => new DeliveryReport(DeliveryStatus.Deferred, now, worst.Detail, Provider: SmtpSender.ProviderName),
            _ when worst.Action is "delivered" => new DeliveryReport(DeliveryStatus.Delivered, now, worst.Detail, Provider: SmtpSender.ProviderName),
            _ => null, // relayed, expanded: nothing we can say
        };

        // The same path as every provider callback: by the VERP id, else by the original Message-ID.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var target = new MessageRef(SmtpSender.ProviderName, ids.FirstOrDefault(), report.OriginalMessageId, Channel.Email);
        var outcome = delivery is null
            ? (await DeliveryReports.ExistsAsync(db, target, ct) ? ReportOutcome.Unchanged : ReportOutcome.Unmatched)
            : await DeliveryReports.RecordAsync(db, target, delivery, ct);
        switch (outcome)
        {
            case ReportOutcome.Unmatched:
                LogUnmatched(string.Join(", ", envelopeRecipients), report.OriginalMessageId ?? "(none)");
                return BounceOutcome.Unmatched;
            case ReportOutcome.Unchanged:
                LogLate(target.NotificationId ?? target.ProviderMessageId ?? "", worst.Status);
                return BounceOutcome.Unchanged;
            default:
                LogRecorded(target.NotificationId ?? target.ProviderMessageId ?? "", worst.Status);
                return BounceOutcome.Recorded;
        }
    }

    [LoggerMessage(EventId = 2220, Level = LogLevel.Information, Message = "Bounce listener: ignored a message that is not a DSN (Message-ID {MessageId}, subject '{Subject}')")]
    private partial void LogNotADsn(string messageId, string subject);

    [LoggerMessage(EventId = 2221, Level = LogLevel.Warning, Message = "Bounce listener: DSN to {Recipients} (original Message-ID {MessageId}) matches no notification")]
    private partial void LogUnmatched(string recipients, string messageId);

    [LoggerMessage(EventId = 2222, Level = LogLevel.Information, Message = "Bounce listener: DSN {Status} for {Message} changes nothing (already final, or a repeat)")]
    private partial void LogLate(string message, string status);

    [LoggerMessage(EventId = 2223, Level = LogLevel.Information, Message = "Bounce listener: DSN {Status} recorded on {Message}")]
    private partial void LogRecorded(string message, string status);
}
