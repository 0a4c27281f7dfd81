using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Diagnosis;

/// <summary>
/// Both channels failed: one finding with one action. Two findings would each tell the agent to count on the other
/// channel, which is failing too. Facts about the coordinates themselves (both known bad) stay visible after the
/// procedure ends; a failure of another kind on either side counts only while the client is still waiting for the link.
/// </summary>
public static partial class SignerDiagnosis
{
    private static Finding? BothChannelsFailed(Context c)
    {
        var email = c.Health.EmailBad ?? (c.Waiting ? LastFailure(c, Channel.Email) : null);
        var sms = c.Health.SmsBad ?? (c.Waiting ? LastFailure(c, Channel.Sms) : null);
        if (email is null || sms is null) return null;
        var emailWhy = c.Health.EmailBad is not null
            ? $"{ChannelHealth.EmailReason(email)} ({email.To})"
            : $"l'email à {email.To} n'a pas été remis{Detail(email.Error)}";
        var smsWhy = c.Health.SmsBad is not null
            ? $"{ChannelHealth.SmsReason(sms)} ({sms.To})"
            : $"le SMS au {sms.To} n'a pas été remis{Detail(SmsReason(sms))}";
        return new Finding(DiagnosisCodes.ContactUnreachable, c.FailureSeverity,
            $"Le client ne peut être joint ni par email ni par SMS : {emailWhy} ; {smsWhy}. Il n'a pas pu recevoir son lien de signature, et une relance n'arriverait pas.",
            "Appelez le client pour vérifier son adresse email et son numéro de mobile, puis annulez et relancez avec les bonnes coordonnées (Nouvelle procédure corrigée).",
            ActionKinds.CorrectAndRelaunch, c.EmailCheck.Suggestion ?? c.MobileCheck.Suggestion);
    }

    /// <summary>
    /// The channel's newest link message when it failed on the way to the client (not on our side: an outage is its own
    /// finding) and no message on that channel was ever delivered.
    /// </summary>
    private static IMessageFacts? LastFailure(Context c, Channel channel)
    {
        var messages = LinkMessages(c.Facts, channel);
        if (messages.Count == 0 || messages.Any(n => n.Status == DeliveryStatus.Delivered)) return null;
        var last = messages[^1];
        return last is { Status: DeliveryStatus.Failed } && last.FailureKind != DeliveryFailure.ProviderError ? last : null;
    }

    private static Finding? AwaitingTurn(DiagnosisFacts f)
    {
        if (f.WaitingFor is not { Count: > 0 } before || f.SignerStatus != Procedures.SignerStatus.Pending) return null;
        var names = before.Count == 1 ? before[0] : string.Join(", ", before.Take(before.Count - 1)) + " et " + before[^1];
        return f.Mode == Procedures.ProcedureMode.Remote
            ? new Finding(DiagnosisCodes.AwaitingPreviousSigners, Severity.Info,
                $"En attente des signataires précédents : la procédure se signe dans l'ordre, {names} doit signer d'abord. " +
                "Rien n'a encore été envoyé à ce signataire, c'est voulu.",
                "Rien à faire : il recevra son email et son SMS d'invitation dès que le signataire précédent aura signé.", ActionKinds.Wait)
            : new Finding(DiagnosisCodes.AwaitingPreviousSigners, Severity.Info,
                $"En attente des signataires précédents : la procédure se signe dans l'ordre, {names} signe d'abord sur l'appareil.",
                "Faites signer les signataires dans l'ordre indiqué.", ActionKinds.Wait);
    }
}
