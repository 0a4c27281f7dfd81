namespace Paraphe.Domain.Agencies;

/// <summary>The tenant. Every other record carries its <see cref="Id"/>.</summary>
public sealed class Agency
{
    private Agency() { }

    public string Id { get; private set; } = "";
    public string Name { get; private set; } = "";
    /// <summary>Alphanumeric SMS sender name (11 characters at most).</summary>
    public string SmsSender { get; private set; } = "Paraphe";
    public int DefaultReminderIntervalDays { get; private set; } = 2;
    public int DefaultReminderMax { get; private set; } = 3;
    public DateTime CreatedAt { get; private set; }

    public static Agency Create(string name, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new DomainException(ErrorCodes.ValidationFailed, "Le nom de l'agence est obligatoire.");
        // Alphanumeric sender IDs are ASCII: "Immobilière" becomes "Immobiliere", not "Immobilire".
        var sender = new string(Text.RemoveDiacritics(name).Where(char.IsAsciiLetterOrDigit).Take(11).ToArray());
        return new Agency { Id = Ids.Agency(), Name = name.Trim(), SmsSender = sender.Length >= 3 ? sender : "Paraphe", CreatedAt = now };
    }
}
