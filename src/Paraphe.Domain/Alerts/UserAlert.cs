namespace Paraphe.Domain.Alerts;

/// <summary>What the agent is told about without watching (issue 10, point 4).</summary>
public enum AlertKind { SignerDeclined, SignerUnreachable, ProcedureCompleted, ProcedureExpiring, SealingFailed, WebhookDisabled }

public static class AlertKinds
{
    public static readonly IReadOnlyList<AlertKind> All = Enum.GetValues<AlertKind>();

    public static string Wire(AlertKind kind) => kind switch
    {
        AlertKind.SignerDeclined => "signer_declined",
        AlertKind.SignerUnreachable => "signer_unreachable",
        AlertKind.ProcedureCompleted => "procedure_completed",
        AlertKind.ProcedureExpiring => "procedure_expiring",
        AlertKind.SealingFailed => "sealing_failed",
        AlertKind.WebhookDisabled => "webhook_disabled",
    };

    public static AlertKind? Parse(string? wire) => All.Cast<AlertKind?>().FirstOrDefault(k => Wire(k!.Value) == wire);

    /// <summary>The preference's label, as « Mes alertes » shows it.</summary>
    public static string Label(AlertKind kind) => kind switch
    {
        AlertKind.SignerDeclined => "Un client refuse de signer",
        AlertKind.SignerUnreachable => "Un client ne peut être joint ni par email ni par SMS",
        AlertKind.ProcedureCompleted => "Une procédure est terminée (document signé et scellé)",
        AlertKind.ProcedureExpiring => "Une procédure expire bientôt",
        AlertKind.SealingFailed => "Le scellement d'un document a échoué",
        AlertKind.WebhookDisabled => "Un webhook est désactivé après des échecs répétés",
    };
}

/// <summary>
/// One alert for one user of the agency (the procedure's agent, else each director): shown in the app (« Alertes »),
/// and emailed through the outbox when the user's preferences say so (<see cref="NotificationId"/>).
/// </summary>
public sealed class UserAlert
{
    private UserAlert() { }

    public string Id { get; private set; } = "";
    public string AgencyId { get; private set; } = "";
    public string UserId { get; private set; } = "";
    /// <summary>The procedure concerned; null for an alert about the agency's settings (a webhook disabled).</summary>
    public string? ProcedureId { get; private set; }
    /// <summary>The signer concerned (a refusal, an unreachable client), else null.</summary>
    public string? SignerId { get; private set; }
    public AlertKind Kind { get; private set; }
    /// <summary>The procedure's title when the alert was raised.</summary>
    public string Title { get; private set; } = "";
    /// <summary>The signer's name, when there is one.</summary>
    public string? SignerName { get; private set; }
    /// <summary>The refusal's reason, the sealing failure's reason, the expiry date (ISO 8601)…</summary>
    public string? Detail { get; private set; }
    /// <summary>The email of this alert, when one was queued.</summary>
    public string? NotificationId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? ReadAt { get; private set; }

    public static UserAlert Raise(string agencyId, string userId, string procedureId, string? signerId, AlertKind kind,
        string title, string? signerName, string? detail, DateTime now) => new()
    {
        Id = Ids.New("alr"), AgencyId = agencyId, UserId = userId, ProcedureId = procedureId, SignerId = signerId, Kind = kind,
        Title = title, SignerName = signerName, Detail = detail, CreatedAt = now,
    };

    /// <summary>An alert about the agency rather than a procedure (a webhook disabled): <paramref name="title"/> names what it is about.</summary>
    public static UserAlert RaiseForAgency(string agencyId, string userId, AlertKind kind, string title, string? detail, DateTime now) => new()
    {
        Id = Ids.New("alr"), AgencyId = agencyId, UserId = userId, Kind = kind, Title = title, Detail = detail, CreatedAt = now,
    };

    public void EmailedBy(string notificationId) => NotificationId = notificationId;

    /// <returns>false when it was already read.</returns>
    public bool MarkRead(DateTime now)
    {
        if (ReadAt is not null) return false;
        ReadAt = now;
        return true;
    }
}

/// <summary>Which alerts a user also receives by email (in the app they always appear). No row: every alert by email.</summary>
public sealed class AlertPreferences
{
    private AlertPreferences() { }

    public string UserId { get; private set; } = "";
    public string AgencyId { get; private set; } = "";
    public bool EmailSignerDeclined { get; private set; } = true;
    public bool EmailSignerUnreachable { get; private set; } = true;
    public bool EmailProcedureCompleted { get; private set; } = true;
    public bool EmailProcedureExpiring { get; private set; } = true;
    public bool EmailSealingFailed { get; private set; } = true;
    public bool EmailWebhookDisabled { get; private set; } = true;
    public DateTime UpdatedAt { get; private set; }

    public static AlertPreferences Default(string agencyId, string userId) => new() { AgencyId = agencyId, UserId = userId };

    public bool ByEmail(AlertKind kind) => kind switch
    {
        AlertKind.SignerDeclined => EmailSignerDeclined,
        AlertKind.SignerUnreachable => EmailSignerUnreachable,
        AlertKind.ProcedureCompleted => EmailProcedureCompleted,
        AlertKind.ProcedureExpiring => EmailProcedureExpiring,
        AlertKind.SealingFailed => EmailSealingFailed,
        AlertKind.WebhookDisabled => EmailWebhookDisabled,
    };

    public void Set(AlertKind kind, bool byEmail, DateTime now)
    {
        switch (kind)
        {
            case AlertKind.SignerDeclined: EmailSignerDeclined = byEmail; break;
            case AlertKind.SignerUnreachable: EmailSignerUnreachable = byEmail; break;
            case AlertKind.ProcedureCompleted: EmailProcedureCompleted = byEmail; break;
            case AlertKind.ProcedureExpiring: EmailProcedureExpiring = byEmail; break;
            case AlertKind.SealingFailed: EmailSealingFailed = byEmail; break;
            case AlertKind.WebhookDisabled: EmailWebhookDisabled = byEmail; break;
        }
        UpdatedAt = now;
    }
}
