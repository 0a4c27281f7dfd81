namespace Paraphe.Domain;

/// <summary>
/// An illegal move on an aggregate. <see cref="Code"/> is stable: the API returns it as problem+json `code`
/// and the UI translates it; <see cref="Message"/> is the French sentence shown to the agent.
/// </summary>
public sealed class DomainException(string code, string message, IReadOnlyDictionary<string, string[]>? errors = null,
    IReadOnlyDictionary<string, object?>? extensions = null)
    : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>Extra members of the problem answer (`next_reminder_at` on a reminder refused inside its window).</summary>
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    /// <summary>Per-field errors (`signers[1].mobile`), for validation failures.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors ?? new Dictionary<string, string[]>();
}

/// <summary>The stable error codes of the domain.</summary>
public static class ErrorCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string ProcedureLocked = "procedure_locked";
    public const string InvalidTransition = "invalid_transition";
    public const string NotFound = "not_found";
    public const string NoSigningAuthority = "no_signing_authority";
    public const string LinkGone = "link_gone";
    public const string ReminderCooldown = "reminder_cooldown";
    /// <summary>Sequential procedure: this signer's turn has not come (409).</summary>
    public const string NotSignerTurn = "not_signer_turn";
    /// <summary>Every channel of the signer is known bad (hard bounce, unknown number…): nothing can reach them (422).</summary>
    public const string ContactUnreachable = "contact_unreachable";

    /// <summary>A code was requested on a procedure without `otp` (409).</summary>
    public const string OtpNotEnabled = "otp_not_enabled";
    /// <summary>3 codes already sent to this signer in the last 15 minutes (429, with `next_otp_at`).</summary>
    public const string OtpSendLimit = "otp_send_limit";
    /// <summary>The procedure needs a code and none was given, or none was requested (422).</summary>
    public const string OtpRequired = "otp_required";
    /// <summary>Wrong code (422, with `attempts_left`).</summary>
    public const string OtpInvalid = "otp_invalid";
    /// <summary>The code is older than 10 minutes (422): request a new one.</summary>
    public const string OtpExpired = "otp_expired";
    /// <summary>5 wrong entries: the code is void, a new one must be requested (429).</summary>
    public const string OtpAttemptsExceeded = "otp_attempts_exceeded";
    /// <summary>
    /// The signer used up their codes for the procedure's whole life (<see cref="Procedures.OtpRules.MaxSendsPerSigner"/> sent or
    /// <see cref="Procedures.OtpRules.MaxWrongEntriesPerSigner"/> wrong entries): no more codes, no signature; the agency must relaunch (423).
    /// </summary>
    public const string OtpLocked = "otp_locked";

    /// <summary>The procedure is completed but its signed document is still being sealed (409): retry shortly.</summary>
    public const string NotSealed = "not_sealed";

    /// <summary>The drawn signature is not a complete PNG within the limits (bytes, pixels) (422, field `signature_image`).</summary>
    public const string InvalidSignatureImage = "invalid_signature_image";

    /// <summary>The agency's settings are the director's: an agent (or a deactivated user) is refused (403).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>The change would leave the agency without an active director (409).</summary>
    public const string LastDirector = "last_director";
}
