namespace Paraphe.Web.Features.Notifications;

/// <summary>`Paraphe:Email` and `Paraphe:Sms`: which provider sends each channel.</summary>
public sealed class ChannelOptions
{
    public string Provider { get; set; } = CaptureSender.ProviderName;
    public string? Fallback { get; set; }
    /// <summary>Email only: the From address (the agency's name is its display name).</summary>
    public string From { get; set; } = "signature@paraphe.local";
}

/// <summary>`Paraphe:Outbox`: the dispatcher's pace.</summary>
public sealed class OutboxOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Messages one channel's lane claims at a time (small: another instance takes the next ones meanwhile).</summary>
    public int BatchSize { get; set; } = 20;
    /// <summary>Messages of one channel sent at the same time by one instance (each channel has its own lane).</summary>
    public int Concurrency { get; set; } = 4;
    /// <summary>
    /// A message left `sending` longer than this (a crash) is taken again. Renewed just before a send whose turn comes late,
    /// and a send is cut at a quarter of it, so a live instance never outlives its lease on a message in flight.
    /// </summary>
    public TimeSpan SendingLease { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>Temporary failures are retried with backoff for this long, then given up.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);
    /// <summary>
    /// The signed document is attached to the completion and notary emails up to this size, and only linked above it
    /// (mailboxes, notaries' first, refuse large attachments). 0: never attached.
    /// </summary>
    public int AttachSignedDocumentUpToKilobytes { get; set; } = 2048;
}
