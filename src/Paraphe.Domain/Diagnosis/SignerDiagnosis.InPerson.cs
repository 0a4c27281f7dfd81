using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Diagnosis;

/// <summary>
/// Face to face with a code by SMS: no invitation is ever sent, but the signer receives the signing code on their own
/// mobile during the session. While they wait for it in front of the agent, the newest code SMS is diagnosed.
/// </summary>
public static partial class SignerDiagnosis
{
    private static IEnumerable<Finding> InPersonCodeFindings(DiagnosisFacts f, DiagnosisClock now)
    {
        if (f.SignerStatus != SignerStatus.Pending || f.ProcedureStatus != ProcedureStatus.Ongoing) yield break;
        var n = f.Notifications.Where(x => x.Channel == Channel.Sms && x.Purpose == Purpose.Otp).MaxBy(x => x.CreatedAt);
        if (n is null) yield break;
        const string again = "Demandez un nouveau code (« Renvoyer un code ») ; si cela se répète, vérifiez le numéro avec le client.";
        switch (n.Status)
        {
            case DeliveryStatus.Queued or DeliveryStatus.Sending or DeliveryStatus.Sent or DeliveryStatus.Deferred:
                yield return InTransit(n, now);
                break;
            case DeliveryStatus.Failed when n.FailureKind is DeliveryFailure.SmsUnknownNumber or DeliveryFailure.InvalidAddress:
                yield return new Finding(DiagnosisCodes.SmsUnknownNumber, Severity.Error,
                    $"L'opérateur indique que le numéro {n.To} n'existe pas : le code de signature ne peut pas arriver.",
                    "Corrigez le numéro : annulez et relancez avec le bon numéro (Nouvelle procédure corrigée).",
                    ActionKinds.CorrectAndRelaunch);
                break;
            case DeliveryStatus.Failed when n.FailureKind == DeliveryFailure.SmsLandline:
                yield return new Finding(DiagnosisCodes.MobileNotMobile, Severity.Error,
                    $"L'opérateur indique que le numéro {n.To} est une ligne fixe : le code de signature ne peut pas y arriver.",
                    "Demandez au client son numéro de mobile, puis annulez et relancez (Nouvelle procédure corrigée).",
                    ActionKinds.CorrectAndRelaunch);
                break;
            case DeliveryStatus.Failed:
                yield return new Finding(DiagnosisCodes.SmsFailed, Severity.Error,
                    $"Le SMS du code de signature au {n.To} n'a pas été remis{Detail(SmsReason(n))}.", again);
                break;
            case DeliveryStatus.Delivered:
                break;
        }
    }

    private static Finding InPersonModeFinding(DiagnosisFacts f, Severity severity, string remote) =>
        f.Notifications.Any(n => n.Purpose == Purpose.Otp)
            ? new Finding(DiagnosisCodes.ModeInPerson, severity,
                "Mode « Maintenant en face à face » : aucune invitation n'est envoyée au client, c'est voulu ; " +
                "seul le code de signature lui est envoyé par SMS, quand il le demande pendant la séance. " +
                "Une fois la procédure signée par tous, il reçoit le document signé par email.",
                f.SignerStatus == SignerStatus.Signed ? "Rien à faire : le client a signé en face à face."
                    : "Faites signer le client sur votre appareil, avec le code reçu sur son mobile.")
            : new Finding(DiagnosisCodes.ModeInPerson, severity,
                "Mode « Maintenant en face à face » : aucun email ni SMS n'est envoyé au client pour signer, c'est voulu. " +
                "Une fois la procédure signée par tous, il reçoit le document signé par email.",
                f.SignerStatus == SignerStatus.Signed ? "Rien à faire : le client a signé en face à face."
                    : $"Faites signer le client sur votre appareil. {remote}");
}
