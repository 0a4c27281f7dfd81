namespace Paraphe.Data.Records;

/// <summary>
/// An agency's webhook endpoint (API.md « Outgoing webhooks »): where to POST which events, signed with its secret.
/// During a rotation the previous secret stays valid until <see cref="PreviousSecretExpiresAt"/>: both signatures are sent.
/// </summary>
public sealed class WebhookEndpoint
{
    public string Id { get; set; } = "";
    public string AgencyId { get; set; } = "";
    public string Url { get; set; } = "";
    /// <summary>The subscribed event types, space-separated (<c>procedure.completed signer.signed</c>).</summary>
    public string Events { get; set; } = "";
    public string? Description { get; set; }
    /// <summary><c>whsec_&lt;base64&gt;</c>: kept to sign, shown once at creation and rotation.</summary>
    public string Secret { get; set; } = "";
    public string? PreviousSecret { get; set; }
    public DateTime? PreviousSecretExpiresAt { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>Why it is disabled (by a director, or after failing every delivery for days), in French.</summary>
    public string? DisabledReason { get; set; }
    public DateTime? DisabledAt { get; set; }
    /// <summary>The first failed attempt since the last success: the endpoint is disabled once this is old enough.</summary>
    public DateTime? FailingSince { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Optimistic concurrency: an edit and the worker's failure count never overwrite each other.</summary>
    public int Version { get; set; }

    public IReadOnlyList<string> EventList => Events.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// One delivery of one event to one endpoint, written in the transaction that caused the event. <see cref="EventId"/> is
/// the <c>webhook-id</c> (the same on every retry and on a replay, which is a new delivery row). The row keeps the
/// payload as it was at the event, the attempt count and the last attempt's answer; <see cref="NextAttemptAt"/> is a lease
/// while a worker holds it, a backoff after a failure, null once done or failed.
/// </summary>
public sealed class WebhookDelivery
{
    public string Id { get; set; } = "";
    public string AgencyId { get; set; } = "";
    public string EndpointId { get; set; } = "";
    public string EventId { get; set; } = "";
    public string Type { get; set; } = "";
    /// <summary>The body sent, byte for byte on every attempt: <c>{"type", "timestamp", "data"}</c>.</summary>
    public string Payload { get; set; } = "";
    public string? ProcedureId { get; set; }
    /// <summary>The delivery this one replays, if any.</summary>
    public string? ReplayOf { get; set; }
    public DateTime CreatedAt { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public int? LastDurationMs { get; set; }
    public string? LastError { get; set; }
    public DateTime? DoneAt { get; set; }
    public DateTime? FailedAt { get; set; }
}
