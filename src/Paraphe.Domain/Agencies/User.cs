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
}
