namespace Paraphe.Domain.Agencies;

public enum UserRole { Director, Negotiator, CommercialAgent }

/// <summary>An agent of the agency. Only users with signing authority may sign on the agency's behalf.</summary>
public sealed class User
{
    private User() { }

    public string Id { get; private set; } = "";
    public string AgencyId { get; private set; } = "";
    public string Email { get; private set; } = "";
    public string FirstName { get; private set; } = "";
    public string LastName { get; private set; } = "";
    public string? Mobile { get; private set; }
    public UserRole Role { get; private set; }
    public bool HasSigningAuthority { get; private set; }
    public string PasswordHash { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    /// <summary>Set when a director deactivates the user: no login, no session, no signing for the agency.</summary>
    public DateTime? DeactivatedAt { get; private set; }

    public bool IsActive => DeactivatedAt is null;

    public string DisplayName => $"{FirstName} {LastName}".Trim();

    /// <summary>Commercial agents (agents commerciaux) have no signing authority unless granted.</summary>
    public static User Create(string agencyId, string email, string firstName, string lastName, UserRole role,
        string passwordHash, DateTime now, bool? signingAuthority = null, string? mobile = null) => new()
    {
        Id = Ids.User(), AgencyId = agencyId, Email = email.Trim().ToLowerInvariant(),
        FirstName = firstName.Trim(), LastName = lastName.Trim(), Mobile = mobile, Role = role,
        HasSigningAuthority = signingAuthority ?? role != UserRole.CommercialAgent,
        PasswordHash = passwordHash, CreatedAt = now,
    };

    public void ChangePasswordHash(string hash) => PasswordHash = hash;

    public void Rename(string? firstName, string? lastName)
    {
        if (firstName is not null) FirstName = firstName.Trim();
        if (lastName is not null) LastName = lastName.Trim();
    }

    /// <summary>
    /// The role on the wire is `director` or `agent`; an agent keeps the finer role they had (négociateur, agent
    /// commercial), a new one is a négociateur (salarié).
    /// </summary>
    public void ChangeRole(UserRole role) => Role = role;

    public void SetSigningAuthority(bool granted) => HasSigningAuthority = granted;

    public void Deactivate(DateTime now) => DeactivatedAt ??= now;
}

/// <summary>The two roles of the API and the settings pages, over the domain's three.</summary>
public static class UserRoles
{
    public const string Director = "director";
    public const string Agent = "agent";

    public static string Wire(UserRole role) => role switch
    {
        UserRole.Director => Director,
        UserRole.Negotiator or UserRole.CommercialAgent => Agent,
    };

    /// <summary>`agent` keeps an agent's current finer role; a director demoted becomes a négociateur.</summary>
    public static UserRole? Parse(string? wire, UserRole? current = null) => wire?.Trim().ToLowerInvariant() switch
    {
        Director => UserRole.Director,
        Agent => current is UserRole.Negotiator or UserRole.CommercialAgent ? current : UserRole.Negotiator,
        _ => null,
    };

    public static string Label(UserRole role) => role switch
    {
        UserRole.Director => "Direction",
        UserRole.Negotiator => "Négociateur",
        UserRole.CommercialAgent => "Agent commercial",
    };
}
