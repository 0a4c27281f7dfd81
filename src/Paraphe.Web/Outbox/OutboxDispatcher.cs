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
/// Sends what transactions queued, one lane per channel: each lane claims its own channel's due messages, a small
/// batch at a time (<see cref="OutboxClaims"/>), and sends up to <see cref="OutboxOptions.Concurrency"/> of them at
/// once, so a slow SMS provider never holds back the emails (nor the reverse). A message is claimed (`sending`, with
/// a lease) before it is sent, so a crash between the two leaves it to be taken again when the lease runs out; the
/// outcomes of a batch are recorded in one commit; a send is cut at a quarter of the lease, and a message whose turn
/// comes late has the outcomes before it recorded and its lease renewed first (docs/ARCHITECTURE.md,
/// « The lease rule »), so a live instance never outlives its lease and another instance never sends the same
/// message again. Nothing is lost or dropped.
/// </summary>
public sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes, SenderRegistry senders, SigningLinks links, DownloadLinks downloads,
    Features.Agencies.AccountLinks accountLinks, OutboxSignal signal,
    IOptions<OutboxOptions> options, TimeProvider clock, ILogger<OutboxDispatcher> log) : BackgroundService
{
    private readonly OutboxOptions _o = options.Value;

    /// <summary>The lanes, one per channel.</summary>
    public static readonly IReadOnlyList<Channel> Channels = Enum.GetValues<Channel>();

    /// <summary>Wakes one lane (the shared <see cref="OutboxSignal"/> is relayed to every lane).</summary>
    private sealed class LaneSignal : Platform.WakeUpSignal;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lanes = Channels.Select(c => (Channel: c, Signal: new LaneSignal())).ToList();
        var loops = lanes.Select(l => l.Signal.RunAsync(ct => DispatchBatchAsync(l.Channel, ct), _o.PollInterval, LogBatchFailed, stoppingToken));
        return Task.WhenAll(loops.Append(RelayAsync(lanes.Select(l => l.Signal).ToList(), stoppingToken)));
    }

    /// <summary>A transaction queued messages: every lane looks (one whose channel has none finds nothing, cheaply).</summary>
    private async Task RelayAsync(List<LaneSignal> lanes, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await signal.WaitAsync(Timeout.InfiniteTimeSpan, stoppingToken); }
            catch (OperationCanceledException) { return; }
            foreach (var lane in lanes) lane.Notify();
        }
    }

    /// <summary>One batch of every channel, the lanes side by side; returns how many messages were handled.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken ct) =>
        (await Task.WhenAll(Channels.Select(c => DispatchBatchAsync(c, ct)))).Sum();

    /// <summary>Claims and sends one batch of <paramref name="channel"/>'s due messages; returns how many were claimed.</summary>
    public async Task<int> DispatchBatchAsync(Channel channel, CancellationToken ct)
    {
        List<OutboxClaims.Claim> claims;
        Dictionary<string, Procedure> procedures;
        Dictionary<string, Domain.Agencies.Agency> agencies;
        Dictionary<string, Domain.Agencies.User> agents;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
            claims = await OutboxClaims.ClaimAsync(db, channel, _o.BatchSize, _o.SendingLease, clock.GetUtcNow().UtcDateTime, ct);
            if (claims.Count == 0) return 0;
            // metric: outbox claims by channel (claims.Count)
            var due = claims.Select(c => c.Notification).ToList();
            var procedureIds = due.Where(n => n.ProcedureId is not null).Select(n => n.ProcedureId!).Distinct().ToList();
            procedures = await db.Procedures.IgnoreQueryFilters().AsNoTracking()
                .Where(p => procedureIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
            var agencyIds = due.Select(n => n.AgencyId).Distinct().ToList();
            agencies = await db.Agencies.AsNoTracking().Where(a => agencyIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
            // The agents the batch's invitations and reminders name (who the signer can call), in one read for the batch.
            var agentIds = due.Where(n => n.Purpose is Purpose.Invitation or Purpose.Reminder && n.ProcedureId is not null)
                .Select(n => procedures.GetValueOrDefault(n.ProcedureId!)?.AgentUserId).OfType<string>().Distinct().ToList();
            agents = agentIds.Count == 0 ? []
                : await db.Users.IgnoreQueryFilters().AsNoTracking().Where(u => agentIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        }
        var batch = new BatchFacts(procedures, agencies, agents);

        // The outcomes are recorded together (one commit for the batch, not one per message): before any send whose
        // turn comes late (so that no outcome waits past its lease) and when the batch ends, sends cut short included.
        var outcomes = new OutcomeBatch(this);
        try
        {
            await Parallel.ForEachAsync(claims, new ParallelOptions { MaxDegreeOfParallelism = _o.Concurrency, CancellationToken = ct },
                async (claim, token) =>
                {
                    try
                    {
                        await SendClaimedAsync(claim, batch, outcomes, token);
                    }
                    catch (Exception e) when (!token.IsCancellationRequested)
                    {
                        // The database went away mid-way (the send itself never throws): the claim stays, and its lease
                        // gives the message back. The rest of the batch goes on.
                        LogMessageFailed(e, claim.Notification.Id);
                    }
                });
        }
        finally
        {
            await outcomes.FlushAsync();
        }
        return claims.Count;
    }

    private async Task SendClaimedAsync(OutboxClaims.Claim claim, BatchFacts batch, OutcomeBatch outcomes, CancellationToken ct)
    {
        await using var lazy = new LazyDb(scopes);
        var n = claim.Notification;
        var now = clock.GetUtcNow().UtcDateTime;
        if (now - claim.At >= _o.SendingLease / 4)
        {
            // Its turn came late (a slow provider ahead of it): what the batch sent so far is recorded first (each
            // outcome is committed within its lease), then this message's lease is renewed, if the claim is still ours.
            await outcomes.FlushAsync();
            now = clock.GetUtcNow().UtcDateTime;
            if (!await OutboxClaims.RenewAsync(lazy.Db, n.Id, claim.Attempt, _o.SendingLease, now, ct))
            {
                LogClaimLost(n.Id); // its lease ran out meanwhile and another instance has it (or a report settled it)
                return;
            }
            var id = n.Id;
            n = await lazy.Db.Notifications.IgnoreQueryFilters().AsNoTracking().FirstAsync(x => x.Id == id, ct);
        }
        // Else claimed moments ago: the send (cut at a quarter of the lease) and the batch's record end within the lease.
        Action<Notification> outcome;
        try
        {
            var agency = batch.Agencies[n.AgencyId];
            outcome = n.ProcedureId is not null ? await SendOneAsync(lazy, n, batch.Procedures[n.ProcedureId], agency, batch, ct)
                : n.Purpose == Purpose.Alert ? await SendAgencyAlertAsync(lazy.Db, n, agency, ct)
                : await SendAccountMessageAsync(lazy.Db, n, agency, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Before the provider was even called (no such provider, a message that cannot be composed): our fault,
            // this message only. It is retried like an outage and the rest of the batch goes on.
            outcome = RetryOrGiveUp(n, "paraphe", e);
        }
        outcomes.Add(n, outcome);
    }

    /// <summary>
    /// The outcomes of one batch waiting for their record: committed together by <see cref="FlushAsync"/>, in one
    /// <c>SaveChangesAsync</c> (each message's update, its event and its audit event). A crash before that commit leaves
    /// the batch's sent messages `sending`: their lease gives them back and they are sent again — at most the messages
    /// of one unrecorded batch per lane (<see cref="OutboxOptions.BatchSize"/>), the crash window of docs/ARCHITECTURE.md.
    /// </summary>
    private sealed class OutcomeBatch(OutboxDispatcher dispatcher)
    {
        private readonly List<(Notification Notification, Action<Notification> Outcome)> pending = [];
        private readonly SemaphoreSlim gate = new(1, 1);

        public void Add(Notification n, Action<Notification> outcome)
        {
            lock (pending) pending.Add((n, outcome));
        }

        public async Task FlushAsync()
        {
            await gate.WaitAsync(CancellationToken.None);
            try
            {
                List<(Notification Notification, Action<Notification> Outcome)> items;
                lock (pending)
                {
                    items = [.. pending];
                    pending.Clear();
                }
                if (items.Count == 0) return;
                try
                {
                    await dispatcher.RecordAsync(items);
                }
                catch (Exception e)
                {
                    // The database went away: the batch's messages stay `sending` and their lease gives them back.
                    dispatcher.LogRecordFailed(e, items.Count);
                }
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>
    /// Records what the providers answered, with their events, in one commit. A delivery report may have reached a
    /// message between the send and this save (fast SMS receipts do), or another writer extended a procedure's audit
    /// chain: the messages are then read again, fresh, and the outcomes applied to them again (which never moves a
    /// message back). The messages were sent: losing this record would send them twice, so conflicts are retried, and
    /// the save is not cut short by the host stopping.
    /// </summary>
    private async Task RecordAsync(List<(Notification Notification, Action<Notification> Outcome)> items)
    {
        // The lanes record in turn: an email and an SMS of one procedure extend the same audit chain, and two records
        // racing for its end would make one of them chain and write its whole batch again.
        await recording.WaitAsync(CancellationToken.None);
        try
        {
            await RecordInTurnAsync(items);
        }
        finally
        {
            recording.Release();
        }
    }

    private readonly SemaphoreSlim recording = new(1, 1);

    private async Task RecordInTurnAsync(List<(Notification Notification, Action<Notification> Outcome)> items)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var fromDatabase = false;
        if (IsPlainSentBatch(items))
        {
            // Every message accepted (the common case): three statements for the batch (SentRecord).
            if (await TryRecordSentAsync(db, scope.ServiceProvider.GetRequiredService<Features.Procedures.AttentionTracker>(), items)) return;
            fromDatabase = true; // a report moved one of them since its claim: the save pipeline, from the database
        }
        else
        {
            foreach (var (n, outcome) in items)
            {
                db.Notifications.Attach(n);
                outcome(n);
            }
            await KnowChainEndsAsync(db, items.Where(i => i.Notification.PendingEvents.Count > 0)
                .Select(i => i.Notification.ProcedureId).OfType<string>().Distinct().ToList());
        }
        for (var attempt = 1; ; attempt++)
        {
            if (fromDatabase)
            {
                // This context holds this batch's messages only: start again from the database.
                db.ChangeTracker.Clear();
                var ids = items.Select(i => i.Notification.Id).ToList();
                var fresh = await db.Notifications.IgnoreQueryFilters().Include(x => x.Events)
                    .Where(x => ids.Contains(x.Id)).ToDictionaryAsync(x => x.Id);
                foreach (var (n, outcome) in items)
                    if (fresh.TryGetValue(n.Id, out var f)) outcome(f);
            }
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                return;
            }
            catch (Exception e) when (attempt < RecordAttempts && DbErrors.IsConflict(e))
            {
                await Task.Delay(Random.Shared.Next(1, 10 * attempt));
                fromDatabase = true;
            }
        }
    }

    private const int RecordAttempts = 20;

    private async Task<Action<Notification>> SendOneAsync(LazyDb db, Notification n, Procedure procedure,
        Domain.Agencies.Agency agency, BatchFacts batch, CancellationToken ct)
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
            ? await Alerts.AlertEmails.ComposeAsync(db.Db, n, links.BaseUrl, ct)
            : MessageComposer.Compose(n, agency, procedure, signer, link, code,
                n.Purpose is Purpose.Invitation or Purpose.Reminder ? batch.AgentOf(procedure) : null);
        var attachments = DownloadLinks.CarriesDownload(n.Purpose) && n.Channel == Channel.Email
            ? await SignedDocumentAttachment.ForAsync(db.Db, procedure, _o.AttachSignedDocumentUpToKilobytes, ct)
            : null;
        var message = new OutgoingMessage(n.Id, n.AgencyId, n.Channel, n.To, agency.Name, agency.SmsSender,
            content.Subject, content.Text, content.Html, attachments);
        return await DeliverAsync(n, message, ct);
    }

    /// <summary>An alert about the agency rather than a procedure (a webhook endpoint disabled), to a director.</summary>
    private async Task<Action<Notification>> SendAgencyAlertAsync(ParapheDbContext db, Notification n, Domain.Agencies.Agency agency,
        CancellationToken ct)
    {
        var content = await Alerts.AlertEmails.ComposeAsync(db, n, links.BaseUrl, ct);
        var message = new OutgoingMessage(n.Id, n.AgencyId, n.Channel, n.To, agency.Name, agency.SmsSender,
            content.Subject, content.Text, content.Html);
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
        // Cut at a quarter of the lease (claimed or renewed just before): the batch's record, made when its last send
        // ends or before a late turn, comes before the lease can run out (docs/ARCHITECTURE.md, « The lease rule »).
        using var deadline = new CancellationTokenSource(_o.SendingLease / 4, clock);
        using var send = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            var receipt = await sender.SendAsync(message, send.Token);
            var at = clock.GetUtcNow().UtcDateTime;
            return new Acceptance(receipt.Provider, receipt.ProviderMessageId, at, receipt.Note).Apply;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return RetryOrGiveUp(n, sender.Name, new TimeoutException($"pas de réponse en {_o.SendingLease / 4:g}"));
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

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Notification {NotificationId}: its send or its record failed; its lease gives it back")]
    private partial void LogMessageFailed(Exception e, string notificationId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "The record of {Count} sent messages failed; they stay claimed and their lease gives them back")]
    private partial void LogRecordFailed(Exception e, int count);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Notification {NotificationId}: its claim ran out before its turn; left to whoever holds it now")]
    private partial void LogClaimLost(string notificationId);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Notification {NotificationId} not sent by {Provider}: {Error}")]
    private partial void LogSendFailed(string notificationId, string provider, string error);
}
