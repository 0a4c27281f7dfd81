namespace Paraphe.Domain.Notifications;

public enum Channel { Email, Sms }

public enum Purpose { Invitation, Reminder, Otp, Cancellation, Completion, Notary }

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

public sealed class NotificationEvent
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
public sealed class Notification
{
    private readonly List<NotificationEvent> _events = [];

    private Notification() { }

    public string Id { get; private set; } = "";
    public string AgencyId { get; private set; } = "";
    public string ProcedureId { get; private set; } = "";
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

    /// <summary>The dispatcher takes the message; a crash leaves it `sending` with a lease that a later pass reclaims.</summary>
    public void StartSending(DateTime now, TimeSpan lease)
    {
        if (IsFinal)
            throw new InvalidOperationException($"Notification {Id} is {Status}: it is never sent again blindly.");
        Attempts++;
        NextAttemptAt = now + lease;
        Move(DeliveryStatus.Sending, now, Attempts > 1 ? $"tentative {Attempts}" : null);
    }

    public void Accepted(string provider, string? providerMessageId, DateTime now)
    {
        Provider = provider;
        ProviderMessageId = providerMessageId;
        Error = null;
        FailureKind = DeliveryFailure.None;
        // A delivery receipt may arrive before the send call returns: never move back from a final state.
        if (!IsFinal) Move(DeliveryStatus.Sent, now, $"accepté par {provider}");
    }

    /// <summary>A temporary failure on our side (by default): Paraphe sends it again at <paramref name="retryAt"/>.</summary>
    public void RetryLater(string error, DateTime retryAt, DateTime now, DeliveryFailure kind = DeliveryFailure.ProviderError)
    {
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
    public void Deferred(DateTime now, string detail)
    {
        if (IsFinal) return;
        NextAttemptAt = HeldByProvider;
        Move(DeliveryStatus.Deferred, now, detail);
    }

    /// <summary>Next attempt of a message a provider holds: never (the dispatcher takes only due messages).</summary>
    public static readonly DateTime HeldByProvider = new(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    public void Delivered(DateTime now, string? detail = null) => Move(DeliveryStatus.Delivered, now, detail);

    /// <summary>A permanent failure: never retried blindly.</summary>
    public void Failed(string error, DateTime now, DeliveryFailure kind = DeliveryFailure.Other)
    {
        Error = error;
        FailureKind = kind;
        Move(DeliveryStatus.Failed, now, error);
    }

    private void Move(DeliveryStatus status, DateTime now, string? detail)
    {
        Status = status;
        UpdatedAt = now;
        _events.Add(new NotificationEvent(status, now, detail));
    }
}
