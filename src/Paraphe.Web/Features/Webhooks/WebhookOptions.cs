namespace Paraphe.Web.Features.Webhooks;

/// <summary>`Paraphe:Webhooks`: the delivery worker, its retries and the private-address guard.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Paraphe:Webhooks";

    /// <summary>Off only in tests that drive <see cref="WebhookWorker.DeliverDueAsync"/> themselves.</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>Requests to private, loopback, link-local… addresses (an intranet CRM, tests). Off: refused, at creation and at connect.</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>An attempt that has not answered within this time has failed (API.md: 15 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often deliveries due later or left by a crash are looked for (a commit wakes the worker at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A claimed delivery is taken again after this long if its worker died (longer than <see cref="Timeout"/>).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Deliveries claimed per pass, sent <see cref="Concurrency"/> at a time.</summary>
    public int BatchSize { get; set; } = 20;

    public int Concurrency { get; set; } = 4;

    /// <summary>The first retry's delay (jittered by ±20 %, so within 30 s); each next one doubles, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(12);

    /// <summary>A delivery still failing this long after its event has failed (about three days).</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromDays(3);

    /// <summary>An endpoint that has failed every attempt for this long is disabled and the directors are told.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>After a rotation, the previous secret still signs (a second signature) for this long.</summary>
    public TimeSpan RotationOverlap { get; set; } = TimeSpan.FromHours(24);
}
