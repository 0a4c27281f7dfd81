namespace Paraphe.Web.Features.Sessions;

/// <summary>`Paraphe:Login`: the login throttle and the agents' sessions (see README: Configuration).</summary>
public sealed class LoginOptions
{
    public const string Section = "Paraphe:Login";

    /// <summary>Failed logins of one account (the email tried) within <see cref="FailureWindow"/> before it must wait.</summary>
    public int MaxFailuresPerAccount { get; set; } = 5;

    /// <summary>Failed logins from one client address within <see cref="FailureWindow"/> before it must wait.</summary>
    public int MaxFailuresPerAddress { get; set; } = 20;

    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session ends this long after the login, whatever happens.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>A session unused for this long ends.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Shortest password a password change accepts.</summary>
    public int MinPasswordLength { get; set; } = 12;
}
