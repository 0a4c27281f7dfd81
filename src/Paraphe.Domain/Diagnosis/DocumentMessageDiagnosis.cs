using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Diagnosis;

/// <summary>
/// Why an email carrying the signed document (to the notary, or the agent's copy) has or has not arrived, and what
/// to do: the same codes as a signer's diagnosis, for a message that belongs to no signer.
/// </summary>
public static class DocumentMessageDiagnosis
{
    public static Finding For(IMessageFacts n)
    {
        var who = n.Purpose == Purpose.Notary ? "l'étude notariale" : "le destinataire";
        return (n.Status, n.FailureKind) switch
        {
            (DeliveryStatus.Delivered, _) => new(DiagnosisCodes.Received, Severity.Info,
                $"Email remis à la messagerie de {who} ({n.To}).", "Rien à faire."),
            (DeliveryStatus.Failed, DeliveryFailure.MailboxUnknown or DeliveryFailure.DomainUnknown or DeliveryFailure.InvalidAddress) =>
                new(DiagnosisCodes.EmailHardBounce, Severity.Error,
                    $"L'adresse {n.To} n'existe pas : la messagerie l'a refusée définitivement.",
                    $"Vérifiez l'adresse auprès de {who}, puis envoyez à nouveau avec l'adresse corrigée."),
            (DeliveryStatus.Failed, DeliveryFailure.Blocked or DeliveryFailure.SpamComplaint) =>
                new(DiagnosisCodes.EmailBlocked, Severity.Error,
                    $"La messagerie de {who} a refusé notre email (filtre ou politique de sécurité).",
                    "Demandez une autre adresse, ou téléchargez le document signé et transmettez-le vous-même."),
            (DeliveryStatus.Failed, DeliveryFailure.ProviderError) => new(DiagnosisCodes.ProviderOutage, Severity.Error,
                "L'email n'est pas parti : notre fournisseur d'envoi était indisponible.", "Envoyez à nouveau dans quelques minutes."),
            (DeliveryStatus.Failed, _) => new(DiagnosisCodes.EmailFailed, Severity.Error,
                $"L'email n'a pas été remis à {who}{(n.Error is null ? "" : $" : {n.Error}")}.",
                "Vérifiez l'adresse, puis envoyez à nouveau ; sinon téléchargez le document et transmettez-le vous-même."),
            (DeliveryStatus.Deferred, _) => new(DiagnosisCodes.EmailDeferred, Severity.Warning,
                $"Remise retardée : la messagerie de {who} ne l'accepte pas encore ; l'envoi est réessayé.",
                "Attendez : Paraphe réessaie pendant 24 heures."),
            _ => new(DiagnosisCodes.InTransit, Severity.Info,
                "Email en cours d'acheminement.", "Attendez la confirmation de remise."),
        };
    }
}
