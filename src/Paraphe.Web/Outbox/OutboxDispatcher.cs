using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Completion;
using Alerts = Paraphe.Web.Features.Alerts;
using Paraphe.Web.Features.Notifications;
using Paraphe.Web.Features.Signing;

namespace Paraphe.Web.Outbox;

/// <summary>
/// Sends what transactions queued. A message is claimed (`sending`, with a lease) before it is sent, so a
/// crash between the two leaves it to be taken again when the lease runs out; nothing is lost or dropped.
/// </summary>
public sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes, SenderRegistry senders, SigningLinks links, DownloadLinks downloads,
    Features.Agencies.AccountLinks accountLinks, OutboxSignal signal,
    IOptions<OutboxOptions> options, TimeProvider clock, ILogger<OutboxDispatcher> log) : BackgroundService
{
    private readonly OutboxOptions _o = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        signal.RunAsync(DispatchBatchAsync, _o.PollInterval, LogBatchFailed, stoppingToken);

    /// <summary>Sends one batch of due messages; returns how many were handled.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.Notifications.IgnoreQueryFilters()
            .Where(n => (n.Status == DeliveryStatus.Queued || n.Status == DeliveryStatus.Deferred || n.Status == DeliveryStatus.Sending)
                        && n.NextAttemptAt <= now)
            .OrderBy(n => n.NextAttemptAt).Take(_o.BatchSize).ToListAsync(ct);
        if (due.Count == 0) return 0;

        foreach (var n in due) n.StartSending(now, _o.SendingLease);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return 0; // another dispatcher claimed them first
        }

        var procedureIds = due.Where(n => n.ProcedureId is not null).Select(n => n.ProcedureId!).Distinct().ToList();
        var procedures = await db.Procedures.IgnoreQueryFilters().AsNoTracking()
            .Where(p => procedureIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var agencyIds = due.Select(n => n.AgencyId).Distinct().ToList();
        var agencies = await db.Agencies.AsNoTracking().Where(a => agencyIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);

        foreach (var n in due)
        {
            Action<Notification> outcome;
            try
            {
                outcome = n.ProcedureId is null
                    ? await SendAccountMessageAsync(db, n, agencies[n.AgencyId], ct)
                    : await SendOneAsync(db, n, procedures[n.ProcedureId], agencies[n.AgencyId], ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Before the provider was even called (no such provider, a message that cannot be composed): our fault,
                // this message only. It is retried like an outage and the rest of the batch goes on.
                outcome = RetryOrGiveUp(n, "paraphe", e);
            }
            await RecordAsync(db, n, outcome, ct);
        }
        return due.Count;
    }

    /// <summary>
    /// Records what the provider answered. A delivery report may have reached the message between the send and this
    /// save (fast SMS receipts do): the outcome is then applied again to the fresh row, which never moves it back.
    /// The message was sent: losing this record would send it twice, so conflicts are retried, not given up.
    /// </summary>
    private static async Task RecordAsync(ParapheDbContext db, Notification n, Action<Notification> outcome, CancellationToken ct)
    {
        outcome(n);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                foreach (var e in n.Events) db.Entry(e).State = EntityState.Detached;
                db.Entry(n).State = EntityState.Detached;
                n = await db.Notifications.IgnoreQueryFilters().Include(x => x.Events).FirstAsync(x => x.Id == n.Id, ct);
                outcome(n);
            }
        }
    }

    private async Task<Action<Notification>> SendOneAsync(ParapheDbContext db, Notification n, Procedure procedure,
        Domain.Agencies.Agency agency, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var signer = n.SignerId is null ? null : procedure.Signers.FirstOrDefault(s => s.Id == n.SignerId);
        if (n.Purpose is Purpose.Invitation or Purpose.Reminder or Purpose.Otp && procedure.Status != ProcedureStatus.Ongoing)
            return x => x.Failed($"Non envoyé : la procédure est {Procedure.Label(procedure.Status)}.", now);
        var link = DownloadLinks.CarriesDownload(n.Purpose) ? downloads.UrlFor(n.Id)
            : signer is not null && n.Purpose is Purpose.Invitation or Purpose.Reminder ? links.UrlFor(signer.Id) : null;
        string? code = null;
        if (n.Purpose == Purpose.Otp)
        {
            // The digits are derived again here, never stored; a code that can no longer be used is not sent.
            var otp = signer?.Codes.FirstOrDefault(c => c.NotificationId == n.Id);
            if (otp is null || otp != signer!.LatestCode || otp.UsedAt is not null || otp.VoidedAt is not null || otp.IsExpired(now))
                return x => x.Failed("Non envoyé : ce code n'est plus valable (expiré, remplacé ou déjà utilisé).", now);
            code = links.OtpKey.CodeFor(signer.Id, otp.Id);
        }
        var content = n.Purpose == Purpose.Alert
            ? await Alerts.AlertEmails.ComposeAsync(db, n, links.BaseUrl, ct)
            : MessageComposer.Compose(n, agency, procedure, signer, link, code,
                n.Purpose is Purpose.Invitation or Purpose.Reminder ? await Alerts.AlertEmails.AgentAsync(db, procedure, ct) : null);
        var attachments = DownloadLinks.CarriesDownload(n.Purpose) && n.Channel == Channel.Email
            ? await SignedDocumentAttachment.ForAsync(db, procedure, _o.AttachSignedDocumentUpToKilobytes, ct)
            : null;
        var message = new OutgoingMessage(n.Id, n.AgencyId, n.Channel, n.To, agency.Name, agency.SmsSender,
            content.Subject, content.Text, content.Html, attachments);
        return await DeliverAsync(n, message, ct);
    }

    /// <summary>An email about a user's account (invitation, password reset): its one-time link is derived again here.</summary>
    private async Task<Action<Notification>> SendAccountMessageAsync(ParapheDbContext db, Notification n, Domain.Agencies.Agency agency,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var token = await db.AccountTokens.AsNoTracking().FirstOrDefaultAsync(t => t.NotificationId == n.Id, ct);
        var user = token is null ? null : await db.Users.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(u => u.Id == token.UserId, ct);
        if (token is null || user is null || token.UsedAt is not null || token.ExpiresAt <= now || !user.IsActive)
            return x => x.Failed("Non envoyé : ce lien n'est plus valable (utilisé, remplacé ou expiré).", now);
        var content = AccountMessages.Compose(n.Purpose, agency, user, accountLinks.UrlFor(n.Id), token.ExpiresAt);
        var message = new OutgoingMessage(n.Id, n.AgencyId, n.Channel, n.To, agency.Name, agency.SmsSender,
            content.Subject, content.Text, content.Html);
        return await DeliverAsync(n, message, ct);
    }

    private async Task<Action<Notification>> DeliverAsync(Notification n, OutgoingMessage message, CancellationToken ct)
    {
        var sender = senders.For(n.Channel);
        try
        {
            var receipt = await sender.SendAsync(message, ct);
            var at = clock.GetUtcNow().UtcDateTime;
            return x => x.Accepted(receipt.Provider, receipt.ProviderMessageId, at, receipt.Note);
        }
        catch (SendFailedException e) when (e.Permanent)
        {
            LogSendFailed(n.Id, sender.Name, e.Message);
            var at = clock.GetUtcNow().UtcDateTime;
            return x => x.Failed(e.Message, at, e.Kind);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return RetryOrGiveUp(n, sender.Name, e);
        }
    }

    /// <summary>A failure on our side or the provider's (never the recipient's): retried with backoff, for `RetryFor`.</summary>
    private Action<Notification> RetryOrGiveUp(Notification n, string provider, Exception e)
    {
        LogSendFailed(n.Id, provider, e.Message);
        var at = clock.GetUtcNow().UtcDateTime;
        var retryAt = at + Backoff(n.Attempts);
        if (retryAt > n.CreatedAt + _o.RetryFor)
            return x => x.Failed($"Abandonné après {n.Attempts} tentatives : {e.Message}", at, DeliveryFailure.ProviderError);
        return x => x.RetryLater($"{provider} : {e.Message}", retryAt, at);
    }

    /// <summary>Exponential backoff from 30 s to 1 h, with ±20 % jitter so retries do not march in step.</summary>
    public static TimeSpan Backoff(int attempts)
    {
        var seconds = Math.Min(3600, 30 * Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds(seconds * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Error, Message = "Outbox batch failed")]
    private partial void LogBatchFailed(Exception e);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Notification {NotificationId} not sent by {Provider}: {Error}")]
    private partial void LogSendFailed(string notificationId, string provider, string error);
}
