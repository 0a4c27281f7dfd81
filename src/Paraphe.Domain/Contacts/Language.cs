namespace Paraphe.Domain.Contacts;

/// <summary>The language a client's messages are written in. French unless the agent says otherwise.</summary>
public enum Language { Fr, En }

public static class Languages
{
    public static string Wire(Language language) => language switch
    {
        Language.Fr => "fr",
        Language.En => "en",
    };

    /// <summary>"fr" | "en" (any case); null or blank is <paramref name="absent"/>; anything else is refused.</summary>
    public static Language Parse(string? value, Language absent = Language.Fr) => value?.Length > TextInput.Language.MaxLength ? Unknown() : value?.Trim().ToLowerInvariant() switch
    {
        null or "" => absent,
        "fr" => Language.Fr,
        "en" => Language.En,
        _ => Unknown(),
    };

    private static Language Unknown() => throw new DomainException(ErrorCodes.ValidationFailed, "La langue n'est pas reconnue.",
        new Dictionary<string, string[]> { ["language"] = ["Valeurs possibles : fr (français), en (anglais)."] });
}
