using PhoneNumbers;

namespace Paraphe.Domain.Contacts;

/// <summary>The agent-facing French sentences of the mobile check: what is wrong, what to do.</summary>
internal static class MobileMessages
{
    private const string AskForMobile = "Demandez au client son numéro de mobile.";

    public const string ForbiddenCharacters =
        "Ce numéro contient des caractères non autorisés : saisissez uniquement les chiffres "
        + "(espaces, points et tirets acceptés, + ou 00 pour l'international).";

    public const string Invalid =
        "Ce numéro n'est pas valide. Vérifiez-le avec le client ; un numéro étranger se saisit "
        + "au format international (+32…, +41…).";

    public const string TooShortFrench =
        "Il manque au moins un chiffre : un numéro français compte 10 chiffres (06 12 34 56 78).";

    public const string TooLongFrench =
        "Il y a au moins un chiffre de trop : un numéro français compte 10 chiffres (06 12 34 56 78).";

    public static string NotMobile(PhoneNumberType type) => type switch
    {
        PhoneNumberType.FIXED_LINE =>
            $"Ce numéro est une ligne fixe : il ne peut pas recevoir de SMS. {AskForMobile}",
        PhoneNumberType.VOIP =>
            $"Ce numéro est une ligne par internet (box, 09 en France) : il ne peut pas recevoir de SMS. {AskForMobile}",
        PhoneNumberType.TOLL_FREE =>
            $"Ce numéro est un numéro vert (gratuit) : il ne peut pas recevoir de SMS. {AskForMobile}",
        PhoneNumberType.PREMIUM_RATE =>
            $"Ce numéro est un numéro surtaxé : il ne peut pas recevoir de SMS. {AskForMobile}",
        PhoneNumberType.SHARED_COST =>
            $"Ce numéro est un numéro de service (08) : il ne peut pas recevoir de SMS. {AskForMobile}",
        _ => $"Ce numéro n'est pas un numéro de mobile : il ne peut pas recevoir de SMS. {AskForMobile}",
    };

    public static string WrongCountry(string region, int countryCode, string suggestionDisplay) =>
        $"Ce numéro est un mobile {PlaceName(region)} enregistré avec l'indicatif de la France (+33) : "
        + $"il faut l'indicatif +{countryCode}. Utilisez {suggestionDisplay}.";

    private static string PlaceName(string region) => region switch
    {
        "RE" => "de La Réunion",
        "YT" => "de Mayotte",
        "GP" => "de la Guadeloupe",
        "MF" => "de Saint-Martin",
        "BL" => "de Saint-Barthélemy",
        "GF" => "de la Guyane",
        "MQ" => "de la Martinique",
        _ => "d'outre-mer",
    };
}
