using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Diagnosis;

/// <summary>
/// A signer locked out of signing codes (<see cref="OtpRules.MaxSendsPerSigner"/> codes sent or
/// <see cref="OtpRules.MaxWrongEntriesPerSigner"/> wrong entries): they cannot sign any more on this procedure, and it
/// may not even be them trying. The agent checks who the client is, then cancels and relaunches.
/// </summary>
public static partial class SignerDiagnosis
{
    private static Finding? OtpLockFinding(DiagnosisFacts f, DiagnosisClock now)
    {
        if (f.OtpLock is not { } l || f.SignerStatus != SignerStatus.Pending) return null;
        var why = l.WrongEntries >= OtpRules.MaxWrongEntriesPerSigner
            ? $"{l.WrongEntries} codes erronés ont été saisis"
            : $"{l.CodesSent} codes ont été envoyés par SMS sans aboutir à une signature";
        return new Finding(DiagnosisCodes.OtpLocked, Severity.Error,
            $"Signature par code bloquée depuis {now.Ago(l.At)} : {why}. Par sécurité, le client ne peut plus recevoir " +
            "de code ni signer cette procédure. C'est peut-être une erreur de sa part, ou quelqu'un d'autre qui essaie de signer à sa place.",
            "Appelez le client à un numéro que vous connaissez déjà pour vérifier son identité et son numéro de mobile, " +
            "puis annulez et relancez la procédure (Nouvelle procédure corrigée).",
            ActionKinds.CorrectAndRelaunch);
    }
}
