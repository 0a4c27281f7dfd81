namespace Paraphe.Domain.Agencies;

/// <summary>The tenant. Every other record carries its <see cref="Id"/>.</summary>
public sealed class Agency
{
    private Agency() { }

    public const int NameMax = 200;
    public const int AddressMax = 400;
    public const int ProfessionalCardMax = 60;

    public string Id { get; private set; } = "";
    public string Name { get; private set; } = "";
    /// <summary>The agency's postal address, printed on the evidence page and in its messages' signature.</summary>
    public string? Address { get; private set; }
    /// <summary>The carte professionnelle (loi Hoguet), e.g. « CPI 7501 2024 000 012 345 ».</summary>
    public string? ProfessionalCard { get; private set; }
    /// <summary>Alphanumeric SMS sender name (<see cref="SmsSenderRules"/>).</summary>
    public string SmsSender { get; private set; } = "Paraphe";
    public int DefaultReminderIntervalDays { get; private set; } = 2;
    public int DefaultReminderMax { get; private set; } = 3;
    public int DefaultExpiresInDays { get; private set; } = Procedures.ProcedureRules.DefaultExpiryDays;
    public DateTime CreatedAt { get; private set; }

    public static Agency Create(string name, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new DomainException(ErrorCodes.ValidationFailed, "Le nom de l'agence est obligatoire.");
        // Alphanumeric sender IDs are ASCII: "Immobilière" becomes "Immobiliere", not "Immobilire".
        var sender = new string(Text.RemoveDiacritics(name).Where(char.IsAsciiLetterOrDigit).Take(11).ToArray());
        return new Agency
        {
            Id = Ids.Agency(), Name = name.Trim(),
            SmsSender = SmsSenderRules.Problem(sender) is null ? sender : "Paraphe", CreatedAt = now,
        };
    }

    /// <summary>The settings a director may change; null leaves a value as it is.</summary>
    public sealed record Settings(string? Name = null, string? Address = null, string? ProfessionalCard = null, string? SmsSender = null,
        int? ReminderIntervalDays = null, int? ReminderMax = null, int? ExpiresInDays = null);

    /// <summary>Applies <paramref name="s"/> after checking every field; returns what changed, field → (before, after).</summary>
    public IReadOnlyDictionary<string, (object? Before, object? After)> Update(Settings s)
    {
        var errors = new Dictionary<string, string[]>();
        var name = s.Name?.Trim();
        if (name is not null && name.Length == 0) errors["name"] = ["Le nom de l'agence est obligatoire."];
        else if (name is { Length: > NameMax }) errors["name"] = [$"{NameMax} caractères au plus."];
        var address = s.Address?.Trim();
        if (address is { Length: > AddressMax }) errors["address"] = [$"{AddressMax} caractères au plus."];
        var card = s.ProfessionalCard is null ? null : string.Join(' ', s.ProfessionalCard.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (card is { Length: > ProfessionalCardMax }) errors["professional_card"] = [$"{ProfessionalCardMax} caractères au plus."];
        else if (card is { Length: > 0 } && !card.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '/' or '.'))
            errors["professional_card"] = ["Lettres, chiffres, espaces et tirets seulement (ex. « CPI 7501 2024 000 012 345 »)."];
        var sender = s.SmsSender?.Trim();
        if (sender is not null && SmsSenderRules.Problem(sender) is { } problem) errors["sms_sender"] = [problem];
        if (s.ReminderIntervalDays is < 2 or > 60) errors["default_reminders.interval_days"] = ["Les relances automatiques sont espacées de 2 à 60 jours."];
        if (s.ReminderMax is < 0 or > 10) errors["default_reminders.max"] = ["De 0 à 10 relances automatiques."];
        if (s.ExpiresInDays is { } e && (e < Procedures.ProcedureRules.MinExpiryDays || e > Procedures.ProcedureRules.MaxExpiryDays))
            errors["default_expires_in_days"] =
                [$"La durée de validité va de {Procedures.ProcedureRules.MinExpiryDays} à {Procedures.ProcedureRules.MaxExpiryDays} jours."];
        if (errors.Count > 0)
            throw new DomainException(ErrorCodes.ValidationFailed, errors.Count == 1 ? errors.First().Value[0] : "Certains réglages ne sont pas valides.", errors);

        var changes = new Dictionary<string, (object?, object?)>();
        if (name is not null && name != Name) { changes["name"] = (Name, name); Name = name; }
        if (address is not null && address != (Address ?? "")) { changes["address"] = (Address, address); Address = address.Length == 0 ? null : address; }
        if (card is not null && card != (ProfessionalCard ?? ""))
        {
            changes["professional_card"] = (ProfessionalCard, card);
            ProfessionalCard = card.Length == 0 ? null : card;
        }
        if (sender is not null && sender != SmsSender) { changes["sms_sender"] = (SmsSender, sender); SmsSender = sender; }
        if (s.ReminderIntervalDays is { } interval && interval != DefaultReminderIntervalDays)
        {
            changes["default_reminders.interval_days"] = (DefaultReminderIntervalDays, interval);
            DefaultReminderIntervalDays = interval;
        }
        if (s.ReminderMax is { } max && max != DefaultReminderMax)
        {
            changes["default_reminders.max"] = (DefaultReminderMax, max);
            DefaultReminderMax = max;
        }
        if (s.ExpiresInDays is { } expires && expires != DefaultExpiresInDays)
        {
            changes["default_expires_in_days"] = (DefaultExpiresInDays, expires);
            DefaultExpiresInDays = expires;
        }
        return changes;
    }
}
