using Paraphe.Data.Records;

namespace Paraphe.Web.Features.Webhooks;

/// <param name="RotationEndsAt">While the previous secret still signs (after a rotation), else null.</param>
public sealed record WebhookResponse(string Id, string Url, IReadOnlyList<string> Events, string? Description, bool Enabled,
    string? DisabledReason, DateTime? DisabledAt, DateTime CreatedAt, DateTime UpdatedAt, DateTime? RotationEndsAt);

/// <summary>The one answer that carries the secret (creation and rotation): <c>whsec_&lt;base64&gt;</c>, shown once.</summary>
public sealed record WebhookWithSecret(string Id, string Url, IReadOnlyList<string> Events, string? Description, bool Enabled,
    DateTime CreatedAt, string Secret, DateTime? RotationEndsAt);

/// <param name="EventId">The <c>webhook-id</c> header: the same on every attempt and on a replay.</param>
/// <param name="Status">pending | delivered | failed.</param>
/// <param name="StatusCode">The last attempt's HTTP status, null when no answer came (timeout, refused address, connection).</param>
public sealed record WebhookDeliveryResponse(string Id, string EventId, string Type, string Status, int Attempts, int? StatusCode,
    int? DurationMs, string? Error, DateTime CreatedAt, DateTime? LastAttemptAt, DateTime? NextAttemptAt, DateTime? DeliveredAt,
    DateTime? FailedAt, string? ProcedureId, string? ReplayOf);

public static class WebhookMapping
{
    public static WebhookResponse ToResponse(this WebhookEndpoint e, DateTime now) => new(e.Id, e.Url, e.EventList, e.Description, e.Enabled,
        e.DisabledReason, e.DisabledAt, e.CreatedAt, e.UpdatedAt, RotationEnd(e, now));

    public static WebhookWithSecret WithSecret(this WebhookEndpoint e, DateTime now) =>
        new(e.Id, e.Url, e.EventList, e.Description, e.Enabled, e.CreatedAt, e.Secret, RotationEnd(e, now));

    public static WebhookDeliveryResponse ToResponse(this WebhookDelivery d) => new(d.Id, d.EventId, d.Type, StatusOf(d), d.Attempts,
        d.LastStatusCode, d.LastDurationMs, d.LastError, d.CreatedAt, d.LastAttemptAt, d.DoneAt is null && d.FailedAt is null ? d.NextAttemptAt : null,
        d.DoneAt, d.FailedAt, d.ProcedureId, d.ReplayOf);

    public static string StatusOf(WebhookDelivery d) => d.DoneAt is not null ? "delivered" : d.FailedAt is not null ? "failed" : "pending";

    private static DateTime? RotationEnd(WebhookEndpoint e, DateTime now) =>
        e.PreviousSecret is not null && e.PreviousSecretExpiresAt is { } until && until > now ? until : null;
}
