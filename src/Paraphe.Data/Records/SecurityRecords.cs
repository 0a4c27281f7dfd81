namespace Paraphe.Data.Records;

/// <summary>
/// An agent's signed-in session. The cookie carries a random id; only its SHA-256 is stored (<see cref="Id"/>), so a
/// copy of the table opens nothing. A session is valid while not revoked, not expired and not idle too long.
/// </summary>
public sealed class AgentSession
{
    /// <summary>SHA-256 (hex) of the random id the cookie carries.</summary>
    public string Id { get; set; } = "";
    public string AgencyId { get; set; } = "";
    public string UserId { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    /// <summary>Why it ended: `logout`, `password_changed`, `expired`…</summary>
    public string? RevokedReason { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
    /// <summary>
    /// Face to face on the agency's tablet: while set, this session shows only that procedure's kiosk page, and the
    /// agent leaves it by typing their password again (<see cref="KioskUnlockFailures"/> wrong ones end the session).
    /// </summary>
    public string? KioskProcedureId { get; set; }
    public int KioskUnlockFailures { get; set; }
}

/// <summary>
/// The security journal: every login attempt (success, failure, throttled), logout, session revocation and password
/// change. Failures are also what the login throttle counts (per tried email and per client address).
/// </summary>
public sealed class SecurityEvent
{
    public long Id { get; set; }
    /// <summary>Null when the email tried belongs to nobody.</summary>
    public string? AgencyId { get; set; }
    public string? UserId { get; set; }
    /// <summary>The login tried, trimmed and lower-cased (cut to 320 characters).</summary>
    public string? Email { get; set; }
    /// <summary>See <see cref="SecurityEventKinds"/>.</summary>
    public string Kind { get; set; } = "";
    public string? Ip { get; set; }
    /// <summary>The client the per-address throttle counts under: the IPv4 address, or an IPv6 client's /64.</summary>
    public string? Client { get; set; }
    public string? UserAgent { get; set; }
    public DateTime At { get; set; }
    /// <summary>A few words for people (e.g. how many sessions a password change ended).</summary>
    public string? Detail { get; set; }
    /// <summary>Who made a settings change (`user:usr_…`, `api_key:key_…`); null for logins, where <see cref="UserId"/> says it.</summary>
    public string? Actor { get; set; }
}

public static class SecurityEventKinds
{
    public const string LoginSucceeded = "login.succeeded";
    public const string LoginFailed = "login.failed";
    public const string LoginThrottled = "login.throttled";
    public const string Logout = "logout";
    public const string SessionRevoked = "session.revoked";
    public const string PasswordChanged = "password.changed";
    /// <summary>Face to face: the agent's session shows only one procedure's kiosk page (detail: the procedure).</summary>
    public const string KioskLocked = "kiosk.locked";
    public const string KioskUnlocked = "kiosk.unlocked";
    /// <summary>A wrong password typed to leave the kiosk (detail: how many tries are left).</summary>
    public const string KioskUnlockFailed = "kiosk.unlock_failed";

    // The agency's settings journal (« Journal ») has its closed catalogue in Paraphe.Web (JournalCatalogue).
}
