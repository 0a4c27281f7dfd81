namespace Paraphe.Web.Features.Webhooks;

/// <summary>The event types an endpoint can subscribe to (API.md « Outgoing webhooks »), with their French labels.</summary>
public static class WebhookEventTypes
{
    public const string ProcedureLaunched = "procedure.launched";
    public const string ProcedureCompleted = "procedure.completed";
    public const string ProcedureSealed = "procedure.sealed";
    public const string ProcedureCancelled = "procedure.cancelled";
    public const string ProcedureDeclined = "procedure.declined";
    public const string ProcedureExpired = "procedure.expired";
    public const string SignerOpened = "signer.opened";
    public const string SignerSigned = "signer.signed";
    public const string SignerDeclined = "signer.declined";
    public const string SignerUnreachable = "signer.unreachable";

    public static readonly IReadOnlyList<(string Type, string Label)> All =
    [
        (ProcedureLaunched, "Procédure lancée"),
        (SignerOpened, "Lien de signature ouvert"),
        (SignerSigned, "Signataire a signé"),
        (SignerDeclined, "Signataire a refusé"),
        (SignerUnreachable, "Signataire injoignable (email et SMS)"),
        (ProcedureCompleted, "Procédure terminée"),
        (ProcedureSealed, "Document signé scellé"),
        (ProcedureDeclined, "Procédure refusée"),
        (ProcedureCancelled, "Procédure annulée"),
        (ProcedureExpired, "Procédure expirée"),
    ];

    public static bool IsKnown(string type) => All.Any(e => e.Type == type);

    public static string Label(string type) => All.FirstOrDefault(e => e.Type == type).Label ?? type;
}
