using System.Text.RegularExpressions;
using PhoneNumbers;

namespace Paraphe.Domain.Contacts;

/// <summary>
/// Can this number receive our SMS? Trusts only <c>IsValidNumber</c> + <c>GetNumberType</c> (IsPossibleNumber
/// lets numbers missing a digit through). National numbers are read as French. Overseas-department mobiles
/// written nationally (0692…) or filed under +33 are invalid as French numbers: they are reported with the
/// corrected number as a suggestion, never rewritten silently.
/// </summary>
internal static partial class MobileChecker
{
    private const string DefaultRegion = "FR";
    private const int FrenchNationalSignificantLength = 9;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>Digits, a leading + (or 00), and the usual separators. No letters, no extensions.</summary>
    [GeneratedRegex(@"^\+?[0-9 .\-()/]*[0-9][0-9 .\-()/]*$")]
    private static partial Regex AllowedCharacters();

    public static MobileCheck Check(string? mobile)
    {
        if (string.IsNullOrWhiteSpace(mobile))
        {
            return new MobileCheck(false, CheckCodes.MobileMissing,
                "Numéro de mobile manquant : saisissez le numéro de mobile du client.", null, null, null, null);
        }

        // Non-breaking and narrow spaces come with copy-paste from documents.
        var input = mobile.Trim().Replace('\u00A0', ' ').Replace('\u202F', ' ');
        if (!AllowedCharacters().IsMatch(input))
        {
            return Invalid(MobileMessages.ForbiddenCharacters);
        }

        PhoneNumber number;
        try
        {
            number = Util.Parse(input, DefaultRegion);
        }
        catch (NumberParseException)
        {
            return Invalid(MobileMessages.Invalid);
        }

        if (Util.IsValidNumber(number))
        {
            return Classify(number);
        }

        return OverseasSuggestion(number) ?? Invalid(LengthHint(number));
    }

    private static MobileCheck Classify(PhoneNumber number)
    {
        var type = Util.GetNumberType(number);
        var region = Util.GetRegionCodeForNumber(number);
        var e164 = Util.Format(number, PhoneNumberFormat.E164);
        var typeName = TypeName(type);
        return type is PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE
            ? new MobileCheck(true, null, null, null, region, typeName, e164)
            : new MobileCheck(false, CheckCodes.MobileNotMobile, MobileMessages.NotMobile(type), null, region, typeName, e164);
    }

    /// <summary>
    /// A +33 number (national or international form) whose first digits are an overseas mobile prefix:
    /// re-read under the overseas country code and suggest it when that is a valid mobile.
    /// </summary>
    private static MobileCheck? OverseasSuggestion(PhoneNumber number)
    {
        if (number.CountryCode != 33)
        {
            return null;
        }

        var nsn = FrenchSignificantDigits(number);
        if (nsn.Length != FrenchNationalSignificantLength
            || !OverseasMobilePrefixes.TryGetValue(nsn[..3], out var countryCode))
        {
            return null;
        }

        PhoneNumber candidate;
        try
        {
            candidate = Util.Parse($"+{countryCode}{nsn}", DefaultRegion);
        }
        catch (NumberParseException)
        {
            return null;
        }

        if (!Util.IsValidNumber(candidate) || Util.GetNumberType(candidate) != PhoneNumberType.MOBILE)
        {
            return null;
        }

        var region = Util.GetRegionCodeForNumber(candidate);
        var suggestion = Util.Format(candidate, PhoneNumberFormat.E164);
        var display = Util.Format(candidate, PhoneNumberFormat.INTERNATIONAL);
        return new MobileCheck(false, CheckCodes.MobileWrongCountry,
            MobileMessages.WrongCountry(region, countryCode, display), suggestion, region, "mobile", null);
    }

    /// <summary>Overseas mobile prefixes (after the French trunk 0) → the country code they belong to.</summary>
    private static readonly Dictionary<string, int> OverseasMobilePrefixes = new()
    {
        ["692"] = 262, // La Réunion
        ["693"] = 262, // La Réunion
        ["639"] = 262, // Mayotte
        ["690"] = 590, // Guadeloupe, Saint-Martin, Saint-Barthélemy
        ["691"] = 590,
        ["694"] = 594, // Guyane
        ["696"] = 596, // Martinique
        ["697"] = 596,
    };

    private static string LengthHint(PhoneNumber number)
    {
        if (number.CountryCode != 33)
        {
            return MobileMessages.Invalid;
        }

        var length = FrenchSignificantDigits(number).Length;
        return length < FrenchNationalSignificantLength ? MobileMessages.TooShortFrench
            : length > FrenchNationalSignificantLength ? MobileMessages.TooLongFrench
            : MobileMessages.Invalid;
    }

    /// <summary>
    /// The digits after +33 / the trunk 0. When a digit is missing the library keeps the trunk 0 in the national
    /// number (0 6 12 34 56 7), so leading zeros are dropped: no French number starts with 0 after the trunk.
    /// </summary>
    private static string FrenchSignificantDigits(PhoneNumber number) =>
        Util.GetNationalSignificantNumber(number).TrimStart('0');

    private static MobileCheck Invalid(string message) =>
        new(false, CheckCodes.MobileInvalid, message, null, null, null, null);

    internal static string TypeName(PhoneNumberType type) => type switch
    {
        PhoneNumberType.MOBILE => "mobile",
        PhoneNumberType.FIXED_LINE_OR_MOBILE => "fixed_line_or_mobile",
        PhoneNumberType.FIXED_LINE => "fixed_line",
        PhoneNumberType.VOIP => "voip",
        PhoneNumberType.TOLL_FREE => "toll_free",
        PhoneNumberType.PREMIUM_RATE => "premium_rate",
        PhoneNumberType.SHARED_COST => "shared_cost",
        PhoneNumberType.UAN => "uan",
        PhoneNumberType.PERSONAL_NUMBER => "personal_number",
        PhoneNumberType.PAGER => "pager",
        PhoneNumberType.VOICEMAIL => "voicemail",
        _ => "unknown",
    };
}
