using System.Globalization;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Procedures;

/// <summary>What checking a signing code gave: nothing to say (verified, or not needed), or the refusal to answer.</summary>
public sealed record OtpCheck(DomainException? Refusal)
{
    public static readonly OtpCheck Passed = new((DomainException?)null);
    public bool Verified => Refusal is null;
}

public sealed partial class Procedure
{
    /// <summary>
    /// Sends the signer a new 6-digit code by SMS (returned, to write in the same transaction); it replaces any earlier
    /// one. At most <see cref="OtpRules.MaxSends"/> per signer in any <see cref="OtpRules.SendWindow"/>, and
    /// <see cref="OtpRules.MaxSendsPerSigner"/> over the procedure's life: asking once more locks the signer
    /// (`signer.otp_locked` is recorded: save, then answer the refusal).
    /// </summary>
    public (Notification Sms, OneTimeCode Code) RequestOtp(string signerId, OneTimeCodeKey key, DateTime now)
    {
        var signer = EnsureOtpSigner(signerId, now);
        if (signer.OtpLockedAt is not null) throw OtpLockedRefusal();
        if (signer.OtpSends >= OtpRules.MaxSendsPerSigner) throw LockOtp(signer, "codes_sent", now).Refusal!;
        var recent = signer.Codes.Where(c => c.SentAt > now - OtpRules.SendWindow).OrderBy(c => c.SentAt).ToList();
        if (recent.Count >= OtpRules.MaxSends)
        {
            var next = recent[^OtpRules.MaxSends].SentAt + OtpRules.SendWindow;
            var wait = (int)Math.Ceiling((next - now).TotalMinutes);
            throw new DomainException(ErrorCodes.OtpSendLimit,
                $"Vous avez déjà demandé {OtpRules.MaxSends} codes en moins de 15 minutes : vous pourrez en demander un nouveau dans {wait} minute{(wait > 1 ? "s" : "")}.",
                extensions: new Dictionary<string, object?> { ["next_otp_at"] = next.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) });
        }
        var sms = Notification.Queue(AgencyId, Id, signer.Id, Channel.Sms, Purpose.Otp, signer.Mobile, now);
        var code = OneTimeCode.Issue(signer.Id, (signer.LatestCode?.Number ?? 0) + 1, sms.Id, key, now);
        signer.AddCode(code);
        Record($"signer:{signer.Id}", new SignerOtpSent(signer.Id, code.Id, sms.Id, signer.Mobile, code.ExpiresAt, recent.Count + 1));
        return (sms, code);
    }

    /// <summary>
    /// Checks the code the signer typed before a signature, by link or in person on the agent's device. Only what
    /// changes something is recorded: a wrong code (it uses an attempt), the right one, and the lock. Typing nothing, a
    /// code that is not 6 digits, or any code while the latest one is expired or void changes nothing and records
    /// nothing (anyone holding the link could repeat it without end). A refusal may change the code (attempts, void)
    /// or lock the signer, never the signature: save, then answer the refusal. A procedure without `otp` ignores the code.
    /// </summary>
    public OtpCheck VerifyOtp(string signerId, string? typed, OneTimeCodeKey key, DateTime now)
    {
        if (!Otp) return OtpCheck.Passed;
        var signer = EnsureOtpSigner(signerId, now);
        if (signer.OtpLockedAt is not null) return new OtpCheck(OtpLockedRefusal());
        var actor = $"signer:{signer.Id}";
        typed = typed is null ? null : new string(typed.Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (string.IsNullOrEmpty(typed))
            return Refuse(ErrorCodes.OtpRequired, "Saisissez le code à 6 chiffres reçu par SMS.");
        if (signer.LatestCode is not { } code || code.UsedAt is not null)
            return Refuse(ErrorCodes.OtpRequired, "Demandez d'abord un code par SMS (« Recevoir le code par SMS »).");
        if (typed.Length != 6 || !typed.All(char.IsAsciiDigit))
            return Refuse(ErrorCodes.OtpInvalid, "Le code reçu par SMS a 6 chiffres.", code.AttemptsLeft);
        if (code.VoidedAt is not null || code.IsExpired(now))
        {
            // The last code this signer may ever get is spent: nothing more can be done by code.
            if (signer.OtpSends >= OtpRules.MaxSendsPerSigner) return LockOtp(signer, "codes_sent", now);
            return code.VoidedAt is not null
                ? Refuse(ErrorCodes.OtpAttemptsExceeded, TooManyAttempts, code.AttemptsLeft)
                : Refuse(ErrorCodes.OtpExpired, "Ce code a expiré (il est valable 10 minutes) : demandez-en un nouveau.", code.AttemptsLeft);
        }
        if (!key.Matches(code, typed))
        {
            var voided = code.Fail(now);
            Record(actor, new SignerOtpFailed(signer.Id, code.Id, "wrong", code.AttemptsLeft));
            if (signer.OtpWrongEntries >= OtpRules.MaxWrongEntriesPerSigner) return LockOtp(signer, "wrong_entries", now);
            if (voided && signer.OtpSends >= OtpRules.MaxSendsPerSigner) return LockOtp(signer, "codes_sent", now);
            if (voided) return Refuse(ErrorCodes.OtpAttemptsExceeded, TooManyAttempts, code.AttemptsLeft);
            var left = code.AttemptsLeft;
            return Refuse(ErrorCodes.OtpInvalid, $"Code incorrect. Il vous reste {left} essai{(left > 1 ? "s" : "")}.", left);
        }
        code.Use(now);
        Record(actor, new SignerOtpVerified(signer.Id, code.Id));
        return OtpCheck.Passed;
    }

    /// <summary>Locks the signer's codes for good and records it (once: a locked signer never gets here again).</summary>
    private OtpCheck LockOtp(Signer signer, string reason, DateTime now)
    {
        if (signer.LockOtp(now))
        {
            Record($"signer:{signer.Id}", new SignerOtpLocked(signer.Id, reason, signer.OtpSends, signer.OtpWrongEntries));
        }
        return new OtpCheck(OtpLockedRefusal());
    }

    /// <summary>What a locked signer is told (API refusal and signing page).</summary>
    public const string OtpLockedMessage =
        "Trop de codes demandés ou erronés : par sécurité, la signature par code SMS est bloquée pour vous. " +
        "Contactez l'agence : elle vérifiera votre identité et vous enverra une nouvelle demande de signature.";

    private static DomainException OtpLockedRefusal() =>
        new(ErrorCodes.OtpLocked, OtpLockedMessage, new Dictionary<string, string[]> { ["otp"] = [OtpLockedMessage] });

    private const string TooManyAttempts =
        "Trop d'essais : ce code n'est plus valable. Demandez un nouveau code par SMS.";

    private static OtpCheck Refuse(string code, string message, int? attemptsLeft = null) =>
        new(new DomainException(code, message, new Dictionary<string, string[]> { ["otp"] = [message] },
            attemptsLeft is { } left ? new Dictionary<string, object?> { ["attempts_left"] = left } : null));

    private Signer EnsureOtpSigner(string signerId, DateTime now)
    {
        EnsureOpenForSigning(now);
        if (Mode == ProcedureMode.Manual)
            throw new DomainException(ErrorCodes.InvalidTransition, "En mode « Marquer comme signé », la signature se fait sur papier : aucun code n'est envoyé.");
        if (!Otp)
            throw new DomainException(ErrorCodes.OtpNotEnabled, "Cette procédure ne demande pas de code par SMS : signez directement.");
        var signer = Signer(signerId);
        if (signer.Status != SignerStatus.Pending)
            throw new DomainException(ErrorCodes.InvalidTransition, "Vous avez déjà répondu à cette demande de signature.");
        EnsureSignerTurn(signer);
        if (string.IsNullOrWhiteSpace(signer.Mobile))
            throw Invalid("mobile", "Aucun numéro de mobile n'est connu pour vous : contactez l'agence.");
        return signer;
    }

    /// <summary>A signature on an `otp` procedure (by link or in person) needs the signer's latest code checked just before.</summary>
    private static bool OtpVerified(Signer signer) => signer.LatestCode?.UsedAt is not null;
}
