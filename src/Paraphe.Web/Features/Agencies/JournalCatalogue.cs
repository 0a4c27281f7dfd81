namespace Paraphe.Web.Features.Agencies;

/// <summary>Every change the agency's journal (« Journal » of « Paramètres de l'agence », `GET /agency/events`) records.</summary>
public enum JournalKind
{
    AgencyUpdated,
    UserInvited,
    UserUpdated,
    UserDeactivated,
    InvitationSent,
    PasswordSet,
    PasswordResetRequested,
    PasswordReset,
    PasswordChanged,
    ApiKeyCreated,
    ApiKeyRevoked,
    WebhookCreated,
    WebhookUpdated,
    WebhookDeleted,
    WebhookSecretRotated,
    WebhookDisabled,
}

/// <summary>
/// The closed catalogue of the agency's journal, like the procedures' audit catalogue (`AuditCatalogue`): for each
/// <see cref="JournalKind"/>, the kind stored in `security_events.Kind` and its French label. The switch has no discard
/// arm (CS8509 is an error): a new kind does not compile without its label. A stored kind this version does not know
/// (written by another version) is still listed, by its stored name (<see cref="Label"/>).
/// </summary>
public static class JournalCatalogue
{
    public static (string Stored, string Label) Entry(JournalKind kind) => kind switch
    {
        JournalKind.AgencyUpdated => ("agency.updated", "Réglages de l'agence modifiés"),
        JournalKind.UserInvited => ("user.invited", "Utilisateur invité"),
        JournalKind.UserUpdated => ("user.updated", "Utilisateur modifié"),
        JournalKind.UserDeactivated => ("user.deactivated", "Utilisateur désactivé"),
        JournalKind.InvitationSent => ("user.invitation_sent", "Invitation renvoyée"),
        JournalKind.PasswordSet => ("password.set", "Mot de passe choisi (invitation)"),
        JournalKind.PasswordResetRequested => ("password.reset_requested", "Mot de passe oublié : lien demandé"),
        JournalKind.PasswordReset => ("password.reset", "Mot de passe réinitialisé"),
        JournalKind.PasswordChanged => ("password.changed", "Mot de passe changé"),
        JournalKind.ApiKeyCreated => ("api_key.created", "Clé d'API créée"),
        JournalKind.ApiKeyRevoked => ("api_key.revoked", "Clé d'API révoquée"),
        JournalKind.WebhookCreated => ("webhook.created", "Webhook ajouté"),
        JournalKind.WebhookUpdated => ("webhook.updated", "Webhook modifié"),
        JournalKind.WebhookDeleted => ("webhook.deleted", "Webhook supprimé"),
        JournalKind.WebhookSecretRotated => ("webhook.secret_rotated", "Secret de webhook renouvelé"),
        JournalKind.WebhookDisabled => ("webhook.disabled", "Webhook désactivé après des échecs répétés"),
    };

    public static IReadOnlyList<JournalKind> Kinds { get; } = Enum.GetValues<JournalKind>();

    /// <summary>The stored kinds the journal lists (logins, logouts and kiosk locks are the security log's, not the journal's).</summary>
    public static string[] StoredKinds { get; } = Kinds.Select(k => Entry(k).Stored).ToArray();

    private static readonly Dictionary<string, JournalKind> ByStored = Kinds.ToDictionary(k => Entry(k).Stored, StringComparer.Ordinal);

    public static string StoredOf(JournalKind kind) => Entry(kind).Stored;

    public static JournalKind? KindOf(string stored) => ByStored.TryGetValue(stored, out var kind) ? kind : null;

    /// <summary>The label of a stored kind; one this version does not know is shown by its stored name, never hidden.</summary>
    public static string Label(string stored) => KindOf(stored) is { } kind ? Entry(kind).Label : $"Événement « {stored} »";
}
