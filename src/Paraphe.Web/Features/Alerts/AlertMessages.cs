using System.Globalization;
using Paraphe.Domain.Alerts;
using Paraphe.Web.Features.Notifications;

namespace Paraphe.Web.Features.Alerts;

/// <summary>The email of an alert to a user of the agency (French: the agents' language), with a link to the procedure.</summary>
public static class AlertMessages
{
    private static readonly CultureInfo Fr = CultureInfo.GetCultureInfo("fr-FR");
    private static readonly MessageComposer.EmailWords Words = new("fr", " : ", "Envoyé par Paraphe");

    public static MessageComposer.Content Compose(UserAlert alert, string firstName, string procedureUrl)
    {
        var (title, signer) = (alert.Title, alert.SignerName ?? "Un signataire");
        var hello = $"Bonjour {firstName},".Replace(" ,", ",", StringComparison.Ordinal);
        var (subject, lead, footer) = alert.Kind switch
        {
            AlertKind.SignerDeclined => ($"Refus de signer : « {title} »",
                $"{signer} a refusé de signer « {title} ». La procédure est close.",
                alert.Detail is { } reason ? $"Raison donnée : « {reason} ». Vous pouvez corriger le document et lancer une nouvelle procédure." : null),
            AlertKind.SignerUnreachable => ($"Client injoignable : « {title} »",
                $"{signer} ne peut être joint ni par email ni par SMS pour « {title} » : l'adresse et le numéro sont refusés.",
                "Corrigez ses coordonnées et relancez la procédure (« Corriger et relancer »)."),
            AlertKind.ProcedureCompleted => ($"Procédure terminée : « {title} »",
                $"Tous les signataires ont signé « {title} ».", null),
            AlertKind.ProcedureExpiring => ($"Expiration proche : « {title} »",
                $"La procédure « {title} » expire {When(alert.Detail)} et n'est pas encore signée par tous.",
                "Relancez les clients qui n'ont pas signé, ou prévoyez une nouvelle procédure."),
            AlertKind.SealingFailed => ($"Scellement en échec : « {title} »",
                $"Le document signé de « {title} » n'a pas pu être scellé.",
                (alert.Detail is { } why ? why + " " : "") + "Relancez le scellement depuis la procédure."),
            AlertKind.WebhookDisabled => ("Webhook désactivé",
                $"Le webhook {title} a été désactivé : toutes ses livraisons échouent depuis plusieurs jours.",
                (alert.Detail is { } why2 ? why2 + " " : "") + "Vérifiez le serveur qui reçoit les événements, puis réactivez le webhook dans Paramètres › Webhooks."),
        };
        return MessageComposer.EmailMessage(Words, subject, hello, lead, alert.ProcedureId is null ? "Voir les webhooks" : "Voir la procédure", procedureUrl, footer);
    }

    private static string When(string? iso) =>
        DateTime.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? $"le {at.ToString("d MMMM yyyy", Fr)}" : "bientôt";
}
