namespace Paraphe.Domain.Agencies;

/// <summary>
/// The alphanumeric sender name shown on the client's phone, as French operators accept it. Twilio and Brevo take
/// 1–11 ASCII letters and digits (Twilio also a space) with at least one letter, since an all-digit sender is read as a
/// number; French operators (through the aggregators) also refuse generic names that could be anyone's (Twilio error
/// 30042 « blocked as generic »), accents and punctuation. Paraphe asks for 3–11 letters or digits, no space.
/// </summary>
public static class SmsSenderRules
{
    public const int Min = 3;
    public const int Max = 11;

    /// <summary>Names the operators refuse as generic (compared without case).</summary>
    public static readonly IReadOnlySet<string> Generic = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "SMS", "INFO", "INFOS", "TEST", "ALERT", "ALERTE", "ALERTES", "NOTIF", "NOTIFY", "NOTIFICATION", "VERIFY", "VERIF",
        "OTP", "CODE", "NOREPLY", "NOREPONSE", "SERVICE", "MESSAGE", "MESSAGES", "BANK", "BANQUE", "IMMO", "IMMOBILIER",
        "AGENCE", "AGENCY", "CONTACT", "SUPPORT", "ADMIN", "SECURITE", "SECURITY", "ORANGE", "SFR", "BOUYGUES", "FREE",
        "GOUV", "POLICE", "URGENCE",
    };

    /// <summary>Null when operators accept <paramref name="sender"/>; else why not, in French for the director.</summary>
    public static string? Problem(string? sender)
    {
        if (string.IsNullOrEmpty(sender)) return "Le nom d'expéditeur des SMS est obligatoire (3 à 11 lettres ou chiffres).";
        if (sender.Any(c => !char.IsAsciiLetterOrDigit(c)))
        {
            var suggestion = new string(Text.RemoveDiacritics(sender).Where(char.IsAsciiLetterOrDigit).Take(Max).ToArray());
            return sender.Any(c => c == ' ')
                ? $"Pas d'espace dans le nom d'expéditeur : les opérateurs le refusent{(suggestion.Length >= Min ? $" (ex. « {suggestion} »)" : "")}."
                : $"Lettres sans accent et chiffres seulement : pas d'accent, d'espace ni de ponctuation{(suggestion.Length >= Min ? $" (ex. « {suggestion} »)" : "")}.";
        }
        if (sender.Length < Min) return $"Au moins {Min} caractères : les opérateurs refusent un nom plus court.";
        if (sender.Length > Max) return $"{Max} caractères au plus (il y en a {sender.Length}) : au-delà, les opérateurs coupent ou refusent le nom.";
        if (!sender.Any(char.IsAsciiLetter)) return "Au moins une lettre : un nom fait seulement de chiffres serait pris pour un numéro de téléphone.";
        if (Generic.Contains(sender)) return $"« {sender} » est un nom générique que les opérateurs refusent : utilisez le nom de l'agence.";
        return null;
    }
}
