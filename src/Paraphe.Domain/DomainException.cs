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
}
