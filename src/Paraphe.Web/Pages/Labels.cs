using System.Globalization;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Pages;

/// <summary>The French words the agent reads, and the colour each state wears (CSS badge classes).</summary>
public static class Labels
{
    public static readonly CultureInfo Fr = CultureInfo.GetCultureInfo("fr-FR");

    private static readonly TimeZoneInfo Paris = FindParis();

    private static TimeZoneInfo FindParis()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.Utc; }
    }

    /// <summary>UTC from the database, shown in Paris time: « 27/11/2026 à 18:05 ».</summary>
    public static string When(DateTime? utc) => utc is { } d
        ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(d, DateTimeKind.Utc), Paris).ToString("dd/MM/yyyy 'à' HH:mm", Fr)
        : "—";

    public static string Day(DateTime? utc) => utc is { } d
        ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(d, DateTimeKind.Utc), Paris).ToString("d MMMM yyyy", Fr)
        : "—";

    /// <summary>The ISO instant, for a machine (title attributes, tests).</summary>
    public static string Iso(DateTime? utc) => utc?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "";

    public static string Status(ProcedureStatus s) => s switch
    {
        ProcedureStatus.Draft => "Brouillon",
        ProcedureStatus.Ongoing => "En cours",
        ProcedureStatus.Completed => "Terminée",
        ProcedureStatus.Declined => "Refusée",
        ProcedureStatus.Cancelled => "Annulée",
        ProcedureStatus.Expired => "Expirée",
    };

    public static string Badge(ProcedureStatus s) => s switch
    {
        ProcedureStatus.Draft => "badge-grey",
        ProcedureStatus.Ongoing => "badge-blue",
        ProcedureStatus.Completed => "badge-green",
        ProcedureStatus.Declined => "badge-red",
        ProcedureStatus.Cancelled => "badge-dark",
        ProcedureStatus.Expired => "badge-amber",
    };

    public static string Wire(ProcedureStatus s) => s.ToString().ToLowerInvariant();

    public static string Mode(ProcedureMode m) => m switch
    {
        ProcedureMode.Manual => "Marquer comme signé",
        ProcedureMode.InPerson => "Maintenant en face à face",
        ProcedureMode.Remote => "Plus tard par email",
    };

    /// <summary>The mode as the API writes it (`in_person`).</summary>
    public static string Mode(string wire) => wire switch
    {
        "manual" => Mode(ProcedureMode.Manual),
        "in_person" => Mode(ProcedureMode.InPerson),
        "remote" => Mode(ProcedureMode.Remote),
        _ => wire,
    };

    public static string Signer(SignerStatus s) => s switch
    {
        SignerStatus.Pending => "en attente",
        SignerStatus.Signed => "signé",
        SignerStatus.Declined => "refusé",
    };

    public static string Badge(SignerStatus s) => s switch
    {
        SignerStatus.Pending => "badge-amber",
        SignerStatus.Signed => "badge-green",
        SignerStatus.Declined => "badge-red",
    };

    public static string Delivery(DeliveryStatus s) => s switch
    {
        DeliveryStatus.Queued => "en file",
        DeliveryStatus.Sending => "envoi",
        DeliveryStatus.Sent => "envoyé",
        DeliveryStatus.Deferred => "différé",
        DeliveryStatus.Delivered => "délivré",
        DeliveryStatus.Failed => "échec",
    };

    public static string Badge(DeliveryStatus s) => s switch
    {
        DeliveryStatus.Queued or DeliveryStatus.Sending => "badge-grey",
        DeliveryStatus.Sent => "badge-blue",
        DeliveryStatus.Deferred => "badge-amber",
        DeliveryStatus.Delivered => "badge-green",
        DeliveryStatus.Failed => "badge-red",
    };

    public static string Channel(Channel c) => c switch
    {
        Domain.Notifications.Channel.Email => "Email",
        Domain.Notifications.Channel.Sms => "SMS",
    };

    public static string Purpose(Purpose p) => p switch
    {
        Domain.Notifications.Purpose.Invitation => "invitation",
        Domain.Notifications.Purpose.Reminder => "relance",
        Domain.Notifications.Purpose.Otp => "code à usage unique",
        Domain.Notifications.Purpose.Cancellation => "annulation",
        Domain.Notifications.Purpose.Completion => "document signé",
        Domain.Notifications.Purpose.Notary => "envoi au notaire",
        Domain.Notifications.Purpose.Alert => "alerte à l'agent",
        Domain.Notifications.Purpose.AccountInvitation => "invitation d'un utilisateur",
        Domain.Notifications.Purpose.PasswordReset => "nouveau mot de passe",
    };

    public static string DocumentKind(string kind) => kind switch
    {
        "offre_achat" => "Offre d'achat",
        "compromis" => "Compromis de vente",
        "mandat" => "Mandat",
        "bail" => "Bail",
        "autre" => "Autre",
        "scan" => "Exemplaire signé (scan)",
        _ => kind,
    };

    public static readonly IReadOnlyList<(string Value, string Label)> DocumentKinds =
        [("offre_achat", "Offre d'achat"), ("compromis", "Compromis de vente"), ("mandat", "Mandat"), ("bail", "Bail"), ("autre", "Autre")];

    /// <summary>
    /// The status page's name of a stored event: its kind's label; a type this version does not know (written by
    /// another version) is still shown, by <see cref="UnknownAuditType"/>, never hidden.
    /// </summary>
    public static string AuditType(string type) =>
        AuditCatalogue.KindOf(type) is { } kind ? AuditType(kind) : UnknownAuditType(type);

    /// <summary>A stored event whose type is not in the catalogue: named by its stored type.</summary>
    public static string UnknownAuditType(string type) => $"Événement « {type} »";

    /// <summary>One label per kind of the audit catalogue (no discard: a new kind does not compile without its label).</summary>
    public static string AuditType(AuditKind kind) => kind switch
    {
        AuditKind.ProcedureCreated => "Procédure créée",
        AuditKind.ProcedureUpdated => "Brouillon modifié",
        AuditKind.SignerAdded => "Signataire ajouté",
        AuditKind.SignerRemoved => "Signataire retiré",
        AuditKind.ProcedureLaunched => "Procédure lancée",
        AuditKind.ProcedureCancelled => "Procédure annulée",
        AuditKind.ProcedureExpired => "Procédure expirée",
        AuditKind.SignerLinkOpened => "Lien ouvert",
        AuditKind.SignerSigned => "Signature",
        AuditKind.SignerDeclined => "Refus de signer",
        AuditKind.SignerReminded => "Relance envoyée",
        AuditKind.SignerInvited => "Invitation envoyée (à son tour de signer)",
        AuditKind.SignerOtpSent => "Code envoyé par SMS",
        AuditKind.SignerOtpFailed => "Code erroné",
        AuditKind.SignerOtpVerified => "Code vérifié",
        AuditKind.SignerOtpLocked => "Signature par code bloquée",
        AuditKind.ProcedureMarkedSigned => "Marquée comme signée",
        AuditKind.ProcedureCompleted => "Procédure terminée",
        AuditKind.ProcedureSealed => "Document signé et certifié (scellé)",
        AuditKind.ProcedureSealingFailed => "Scellement en échec",
        AuditKind.ProcedureSealingRetried => "Scellement relancé",
        AuditKind.ProcedureSentToNotary => "Envoyé au notaire",
        AuditKind.DocumentDownloaded => "Document signé téléchargé",
        AuditKind.ProcedureRelaunched => "Remplacée par une nouvelle procédure",
        AuditKind.ProcedureRelaunchOf => "Relance d'une procédure précédente",
        AuditKind.NotificationSent => "Message accepté par le fournisseur",
        AuditKind.NotificationDeferred => "Message différé",
        AuditKind.NotificationDelivered => "Message délivré",
        AuditKind.NotificationFailed => "Message en échec",
        AuditKind.ProcedureExpiringSoon => "Expiration proche signalée à l'agence",
        AuditKind.AlertRaised => "Alerte envoyée à l'agence",
    };

    /// <summary>The line under a delivery event of the audit trail: which message, to whom, and what the provider said.</summary>
    public static string? AuditDetail(string type, System.Text.Json.JsonElement data)
    {
        if (data.ValueKind != System.Text.Json.JsonValueKind.Object
            || AuditCatalogue.Read(type, data.GetRawText()) is not NotificationReported n) return null;
        var channel = n.Channel == "sms" ? "SMS" : "Email";
        var purpose = Enum.TryParse<Domain.Notifications.Purpose>(n.Purpose, ignoreCase: true, out var p) ? Purpose(p) : n.Purpose;
        return $"{channel} · {purpose} → {Paraphe.Domain.Contacts.PhoneDisplay.Format(n.To)}{(string.IsNullOrEmpty(n.Detail) ? "" : $" — {n.Detail}")}";
    }

    /// <summary>Who reported a delivery event: the provider, by its usual name.</summary>
    public static string Provider(string name) => name switch
    {
        "capture" => "Boîte d'envoi de développement",
        "smtp" => "Serveur SMTP",
        "twilio" => "Twilio",
        "brevo" => "Brevo",
        "paraphe" => "Paraphe",
        _ => name,
    };

    public static string FileSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} o",
        < 1024 * 1024 => $"{bytes / 1024.0:0} Ko",
        _ => (bytes / 1024.0 / 1024.0).ToString("0.0", Fr) + " Mo",
    };

    /// <summary>What the agent is told right after a launch: it depends on the mode.</summary>
    public static string LaunchedMessage(ProcedureMode mode) => mode switch
    {
        ProcedureMode.Remote => "Procédure lancée : chaque signataire reçoit un email et un SMS avec son lien personnel.",
        ProcedureMode.InPerson => "Procédure lancée. Aucun email ni SMS n'est envoyé : ouvrez le face-à-face pour faire signer.",
        ProcedureMode.Manual => "Procédure lancée. Aucun message n'est envoyé : marquez-la signée quand le papier est signé.",
    };
}
