using Paraphe.Domain.Audit;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Notifications;

public enum Channel { Email, Sms }

/// <summary>
/// <see cref="Alert"/>: an alert to a user of the agency (<c>user_alerts</c>), never to a signer;
/// <see cref="AccountInvitation"/> and <see cref="PasswordReset"/>: account emails to a user, with no procedure.
/// </summary>
public enum Purpose
{
    Invitation, Reminder, Otp, Cancellation, Completion, Notary, Alert,
    /// <summary>To a new user of the agency: the link to choose a password (no procedure).</summary>
    AccountInvitation,
    /// <summary>To a user who forgot their password: the link to choose a new one (no procedure).</summary>
    PasswordReset,
}

/// <summary>queued → sending → sent → delivered | failed; deferred while a provider or operator is still trying.</summary>
public enum DeliveryStatus { Queued, Sending, Sent, Deferred, Delivered, Failed }

/// <summary>
/// Why a message did not (yet) arrive, as a stable fact the diagnosis reasons on (the provider's text stays in
/// <see cref="Notification.Error"/>). Adapters map their codes here (SMTP 5.1.1 → MailboxUnknown, Twilio 30005 →
/// SmsUnknownNumber…).
/// </summary>
public enum DeliveryFailure
{
    None,
    /// <summary>The mailbox does not exist (5.1.1, hard bounce).</summary>
    MailboxUnknown,
    /// <summary>The domain does not exist or has no mail server (5.1.2).</summary>
    DomainUnknown,
    /// <summary>The receiving operator refused our mail: policy, reputation, spam filter (5.7.x, Brevo "blocked").</summary>
    Blocked,
    /// <summary>The recipient (or their mailbox) reported the message as spam.</summary>
    SpamComplaint,
    /// <summary>The address or number was refused as malformed by the provider.</summary>
    InvalidAddress,
    /// <summary>The operator says the number does not exist (Twilio 30005).</summary>
    SmsUnknownNumber,
    /// <summary>The number is a landline (Twilio 30006).</summary>
    SmsLandline,
    /// <summary>The handset is off or out of reach and the operator gave up (Twilio 30003).</summary>
    SmsUnreachable,
    /// <summary>The operator filtered the message (Twilio 30007).</summary>
    SmsFiltered,
    /// <summary>Our side: the provider is down, timed out or refused our request; the message never left Paraphe.</summary>
    ProviderError,
    Other,
}

/// <summary>
/// What a provider or the receiving operator reports about a message (a webhook, a status callback, a DSN):
/// <see cref="DeliveryStatus.Sent"/>, <see cref="DeliveryStatus.Deferred"/>, <see cref="DeliveryStatus.Delivered"/> or
/// <see cref="DeliveryStatus.Failed"/>, when the provider says it happened, its own words, and for a failure its kind.
/// </summary>
public sealed record DeliveryReport(DeliveryStatus Status, DateTime At, string? Detail,
    DeliveryFailure Failure = DeliveryFailure.None, string? Provider = null);

public sealed class NotificationEvent : Diagnosis.IDeliveryEventFacts
{
    private NotificationEvent() { }

    internal NotificationEvent(DeliveryStatus status, DateTime at, string? detail)
    {
        Status = status;
        At = at;
        Detail = detail;
    }

    public long Id { get; private set; }
    public string NotificationId { get; private set; } = "";
    public DeliveryStatus Status { get; private set; }
    public DateTime At { get; private set; }
    public string? Detail { get; private set; }
}

/// <summary>
/// One message to one recipient on one channel, and the outbox row that gets it sent: it is written in the
/// same transaction as the change that causes it, then claimed and sent by the dispatcher. Its body is
/// rendered when it is sent (the signing link is derived then, never stored in clear).
/// </summary>
public sealed class Notification : Diagnosis.IMessageFacts
{
    private readonly List<NotificationEvent> _events = [];
    private readonly List<ProcedureEvent> _pendingEvents = [];

    private Notification() { }

    /// <summary>Delivery changes not yet written to the procedure's audit trail (the data layer appends them).</summary>
    public IReadOnlyList<ProcedureEvent> PendingEvents => _pendingEvents;

    public void ClearPendingEvents() => _pendingEvents.Clear();

    public string Id { get; private set; } = "";
    public string AgencyId { get; private set; } = "";
    /// <summary>Null for a message about the user's account (invitation, password reset), which belongs to no procedure.</summary>
    public string? ProcedureId { get; private set; }
    public string? SignerId { get; private set; }
    public Channel Channel { get; private set; }
    public Purpose Purpose { get; private set; }
    public string To { get; private set; } = "";
    public DeliveryStatus Status { get; private set; }
    public string? Error { get; private set; }
    /// <summary>The stable kind of the last failure (None once a provider accepted the message).</summary>
    public DeliveryFailure FailureKind { get; private set; }
    public int Attempts { get; private set; }
    public DateTime NextAttemptAt { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public string? Provider { get; private set; }
    public string? ProviderMessageId { get; private set; }
    public IReadOnlyList<NotificationEvent> Events => _events;
    IReadOnlyList<Diagnosis.IDeliveryEventFacts> Diagnosis.IMessageFacts.Events => _events;

    public bool IsFinal => Status is DeliveryStatus.Delivered or DeliveryStatus.Failed;

    public static Notification Queue(string agencyId, string procedureId, string? signerId, Channel channel,
        Purpose purpose, string to, DateTime now)
    {
        var n = new Notification
        {
            Id = Ids.Notification(), AgencyId = agencyId, ProcedureId = procedureId, SignerId = signerId,
            Channel = channel, Purpose = purpose, To = to, Status = DeliveryStatus.Queued,
            NextAttemptAt = now, CreatedAt = now, UpdatedAt = now,
        };
        n._events.Add(new NotificationEvent(DeliveryStatus.Queued, now, null));
        return n;
    }

    /// <summary>A message to a user of the agency about their account, or an alert about the agency (a webhook endpoint
    /// disabled): tracked like any other, outside any procedure.</summary>
    public static Notification QueueForAccount(string agencyId, Purpose purpose, string to, DateTime now)
    {
        if (purpose is not (Purpose.AccountInvitation or Purpose.PasswordReset or Purpose.Alert))
            throw new ArgumentException($"{purpose} belongs to a procedure.", nameof(purpose));
        var n = new Notification
        {
            Id = Ids.Notification(), AgencyId = agencyId, ProcedureId = null, SignerId = null, Channel = Channel.Email,
            Purpose = purpose, To = to, Status = DeliveryStatus.Queued, NextAttemptAt = now, CreatedAt = now, UpdatedAt = now,
        };
        n._events.Add(new NotificationEvent(DeliveryStatus.Queued, now, null));
        return n;
    }

    /// <summary>The dispatcher takes the message; a crash leaves it `sending` with a lease that a later pass reclaims.</summary>
    public void StartSending(DateTime now, TimeSpan lease)
    {
        if (IsFinal)
            throw new InvalidOperationException($"Notification {Id} is {Status}: it is never sent again blindly.");
        Attempts++;
        NextAttemptAt = now + lease;
        Move(DeliveryStatus.Sending, now, Attempts > 1 ? $"tentative {Attempts}" : null);
    }

    /// <param name="note">how it went out when that matters (a failover: "secours : twilio en échec : …").</param>
    public void Accepted(string provider, string? providerMessageId, DateTime now, string? note = null)
    {
        Provider = provider;
        ProviderMessageId = providerMessageId;
        // A delivery report may arrive before the send call returns: never move back from what it said.
        if (Status is not (DeliveryStatus.Queued or DeliveryStatus.Sending or DeliveryStatus.Deferred) || IsHeldByProvider) return;
        Error = null;
        FailureKind = DeliveryFailure.None;
        Move(DeliveryStatus.Sent, now, note is null ? $"accepté par {provider}" : $"accepté par {provider} ({note})", now, provider);
    }

    /// <summary>
    /// Applies a provider's report; returns false when it changes nothing. Providers repeat themselves and their
    /// callbacks overtake each other, so: a final state never moves; the same status with the same words is a
    /// repeat; a report older than the last one received is stale, except a final one (delivered or failed
    /// always ends the story); <c>sent</c> only confirms a message still on its way out.
    /// </summary>
    public bool Report(DeliveryReport report, DateTime now)
    {
        if (IsFinal) return false;
        var last = LastEvent();
        if (last is not null && last.Status == report.Status && last.Detail == report.Detail) return false;
        var at = report.At == default ? now : report.At;
        switch (report.Status)
        {
            case DeliveryStatus.Sent:
                if (Status is not (DeliveryStatus.Queued or DeliveryStatus.Sending)) return false;
                Move(DeliveryStatus.Sent, at, report.Detail, now, report.Provider);
                return true;
            case DeliveryStatus.Deferred:
                if (last is not null && at < last.At) return false;
                NextAttemptAt = HeldByProvider;
                Error = report.Detail;
                FailureKind = report.Failure;
                Move(DeliveryStatus.Deferred, at, report.Detail, now, report.Provider);
                return true;
            case DeliveryStatus.Delivered:
                Error = null;
                FailureKind = DeliveryFailure.None;
                Move(DeliveryStatus.Delivered, at, report.Detail, now, report.Provider);
                return true;
            case DeliveryStatus.Failed:
                Error = report.Detail;
                FailureKind = report.Failure == DeliveryFailure.None ? DeliveryFailure.Other : report.Failure;
                Move(DeliveryStatus.Failed, at, report.Detail, now, report.Provider);
                return true;
            default:
                throw new ArgumentException($"A provider reports sent, deferred, delivered or failed, not {report.Status}.", nameof(report));
        }
    }

    /// <summary>
    /// The newest stored event, when the message was loaded without its events (<see cref="LoadedWithLastEvent"/>):
    /// a provider's report compares with it alone, so a callback reads one row of events, not the message's history.
    /// </summary>
    private NotificationEvent? _lastStored;

    /// <summary>
    /// The message was read without <see cref="Events"/> (none of its stored events are in memory), with the status,
    /// time and words of its newest stored event: enough for <see cref="Report"/>. Stored events already in memory
    /// (the same message loaded with them earlier in the unit of work) take precedence: then this changes nothing.
    /// </summary>
    public void LoadedWithLastEvent(DeliveryStatus status, DateTime at, string? detail)
    {
        if (_events.Any(e => e.Id != 0)) return;
        _lastStored = new NotificationEvent(status, at, detail);
    }

    /// <summary>The newest event, whatever order the events were loaded in (stored ids grow; unsaved ones come last).</summary>
    private NotificationEvent? LastEvent()
    {
        NotificationEvent? last = _lastStored;
        foreach (var e in _events)
            if (last is null || e.Id == 0 || (last.Id != 0 && e.Id > last.Id)) last = e;
        return last;
    }

    private bool IsHeldByProvider => Status == DeliveryStatus.Deferred && NextAttemptAt == HeldByProvider;

    /// <summary>A temporary failure on our side (by default): Paraphe sends it again at <paramref name="retryAt"/>.</summary>
    public void RetryLater(string error, DateTime retryAt, DateTime now, DeliveryFailure kind = DeliveryFailure.ProviderError)
    {
        if (IsFinal || IsHeldByProvider) return;
        Error = error;
        FailureKind = kind;
        NextAttemptAt = retryAt;
        Move(DeliveryStatus.Deferred, now, error);
    }

    /// <summary>
    /// The provider or the receiving operator holds the message and is still trying (SMTP 4.x.x DSN, a "deferred"
    /// webhook). Nothing is sent again by Paraphe: the message is out of the dispatcher's reach. A late event on a
    /// final message changes nothing.
    /// </summary>
    public void Deferred(DateTime now, string detail) => Report(new DeliveryReport(DeliveryStatus.Deferred, now, detail), now);

    /// <summary>Next attempt of a message a provider holds: never (the dispatcher takes only due messages).</summary>
    public static readonly DateTime HeldByProvider = new(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    public void Delivered(DateTime now, string? detail = null) => Report(new DeliveryReport(DeliveryStatus.Delivered, now, detail), now);

    /// <summary>A permanent failure: never retried blindly.</summary>
    public void Failed(string error, DateTime now, DeliveryFailure kind = DeliveryFailure.Other)
    {
        if (IsFinal) return;
        Error = error;
        FailureKind = kind;
        Move(DeliveryStatus.Failed, now, error);
    }

    private void Move(DeliveryStatus status, DateTime now, string? detail) => Move(status, now, detail, now, null);

    /// <param name="at">when it happened (the provider's time for a report)</param>
    /// <param name="now">when Paraphe records it</param>
    private void Move(DeliveryStatus status, DateTime at, string? detail, DateTime now, string? provider)
    {
        Status = status;
        UpdatedAt = now;
        _events.Add(new NotificationEvent(status, at, detail));
        // The dispatcher's claim (sending) is plumbing; every other change is evidence of what the signer was sent.
        // An account email belongs to no procedure: no audit trail to add to.
        if (status is DeliveryStatus.Queued or DeliveryStatus.Sending || ProcedureId is null) return;
        var (channel, purpose) = (Channel.ToString().ToLowerInvariant(), Purpose.ToString().ToLowerInvariant());
        var failure = status is DeliveryStatus.Failed or DeliveryStatus.Deferred && FailureKind != DeliveryFailure.None
            ? FailureKind.ToString() : null;
        AuditFact fact = status switch
        {
            DeliveryStatus.Sent => new NotificationSent(Id, SignerId, channel, purpose, To, at, detail, failure),
            DeliveryStatus.Deferred => new NotificationDeferred(Id, SignerId, channel, purpose, To, at, detail, failure),
            DeliveryStatus.Delivered => new NotificationDelivered(Id, SignerId, channel, purpose, To, at, detail, failure),
            DeliveryStatus.Failed => new NotificationFailed(Id, SignerId, channel, purpose, To, at, detail, failure),
            DeliveryStatus.Queued or DeliveryStatus.Sending => throw new InvalidOperationException($"{status} is not recorded."),
        };
        _pendingEvents.Add(new ProcedureEvent(provider ?? Provider ?? "paraphe", fact));
    }
}
