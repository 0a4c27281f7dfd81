namespace Paraphe.Domain.Contacts;

/// <summary>
/// A client of the agency. Saved even when a check fails (the agent may fix it later); the checks are
/// computed from the stored values, so they are never stale. The mobile is stored in E.164 when valid.
/// </summary>
public sealed class Contact
{
    private Contact() { }

    public string Id { get; private set; } = "";
    public string AgencyId { get; private set; } = "";
    public string FirstName { get; private set; } = "";
    public string LastName { get; private set; } = "";
    public string Email { get; private set; } = "";
    public string Mobile { get; private set; } = "";
    /// <summary>The language of the messages sent to this client; signers take it at launch, like the coordinates.</summary>
    public Language Language { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    /// <summary>What the contacts search looks in (<see cref="ContactSearch.Key"/>), kept on every save.</summary>
    public string SearchKey { get; private set; } = "";

    public string DisplayName => $"{FirstName} {LastName}".Trim();

    public ContactCheckResult Checks() => ContactChecks.Check(Email, Mobile);

    public static Contact Create(string agencyId, string? firstName, string? lastName, string? email, string? mobile, DateTime now,
        Language language = Language.Fr)
    {
        var contact = new Contact { Id = Ids.Contact(), AgencyId = agencyId, CreatedAt = now };
        contact.Update(firstName, lastName, email, mobile, now, language);
        return contact;
    }

    public void Update(string? firstName, string? lastName, string? email, string? mobile, DateTime now, Language? language = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(firstName) && string.IsNullOrWhiteSpace(lastName))
            errors["last_name"] = ["Le nom du contact est obligatoire."];
        TextInput.Check(errors, "first_name", firstName?.Trim(), TextInput.FirstName);
        TextInput.Check(errors, "last_name", lastName?.Trim(), TextInput.LastName);
        TextInput.Check(errors, "email", email?.Trim(), TextInput.Email);
        TextInput.Check(errors, "mobile", mobile?.Trim(), TextInput.Mobile);
        if (errors.Count > 0)
            throw new DomainException(ErrorCodes.ValidationFailed, "Le contact n'est pas valide.", errors);

        FirstName = firstName?.Trim() ?? "";
        LastName = lastName?.Trim() ?? "";
        var emailCheck = ContactChecks.CheckEmail(email);
        Email = emailCheck.Normalized ?? email?.Trim() ?? "";
        var mobileCheck = ContactChecks.CheckMobile(mobile);
        Mobile = mobileCheck.E164 ?? mobile?.Trim() ?? "";
        Language = language ?? Language;
        UpdatedAt = now;
        RefreshSearchKey();
    }

    /// <summary>Recomputes the search key (a contact saved before the key existed, or after its rules changed).</summary>
    public bool RefreshSearchKey()
    {
        var key = ContactSearch.Key(FirstName, LastName, Email, Mobile);
        if (key == SearchKey) return false;
        SearchKey = key;
        return true;
    }

    /// <summary>Used by "correct and relaunch": only the fields given change.</summary>
    public void CorrectCoordinates(string? email, string? mobile, DateTime now) =>
        Update(FirstName, LastName, email ?? Email, mobile ?? Mobile, now);
}
