using PhoneNumbers;

namespace Paraphe.Domain.Contacts;

/// <summary>
/// One way to show a phone number everywhere people read it: French national format for a French number
/// (« 06 12 34 56 78 »), international otherwise (« +262 692 12 34 56 »). Masks keep the country code of a
/// number outside France (« +262 6 •• •• •• 56 »), so a signer of La Réunion recognises their own number.
/// Numbers are stored in E.164; anything that is not a valid number is shown as it was typed.
/// </summary>
public static partial class PhoneDisplay
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private const string Hidden = "••";

    /// <summary>« 06 12 34 56 78 » (France), « +262 692 12 34 56 » (elsewhere), or the input unchanged.</summary>
    public static string Format(string? stored)
    {
        if (string.IsNullOrWhiteSpace(stored)) return "";
        if (stored.Contains('@', StringComparison.Ordinal)) return stored.Trim(); // an address, not a number
        var number = Parse(stored);
        if (number is null || !Util.IsValidNumber(number)) return stored.Trim();
        return number.CountryCode == 33
            ? Util.Format(number, PhoneNumberFormat.NATIONAL)
            : Util.Format(number, PhoneNumberFormat.INTERNATIONAL);
    }

    /// <summary>
    /// « 06 •• •• •• 78 » for France, « +262 6 •• •• •• 56 » elsewhere: the first digit of the number and its last two,
    /// the rest hidden in pairs. A number too short to hide anything shows only « •• •• ».
    /// </summary>
    public static string Mask(string? stored)
    {
        if (string.IsNullOrWhiteSpace(stored)) return "";
        var number = Parse(stored);
        string prefix, significant;
        if (number is not null && number.CountryCode != 0)
        {
            significant = Util.GetNationalSignificantNumber(number);
            prefix = number.CountryCode == 33 ? "0" : "+" + number.CountryCode + " ";
        }
        else
        {
            significant = new string(stored.Where(char.IsAsciiDigit).ToArray());
            prefix = "";
        }
        if (significant.Length < 5) return Hidden + " " + Hidden;
        var middle = significant.Length - 3; // hidden digits between the first one and the last two
        var pairs = Enumerable.Repeat(Hidden, (middle + 1) / 2);
        return $"{prefix}{significant[0]} {string.Join(' ', pairs)} {significant[^2..]}";
    }

    /// <summary>Every E.164 number in a sentence (« Le SMS à +33612345678 … ») shown as <see cref="Format"/> shows it.</summary>
    public static string InText(string? text) =>
        string.IsNullOrEmpty(text) ? text ?? "" : E164InText().Replace(text, m => Format(m.Value));

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\w+])\+[1-9][0-9]{6,14}(?![0-9])")]
    private static partial System.Text.RegularExpressions.Regex E164InText();

    private static PhoneNumber? Parse(string stored)
    {
        try
        {
            return Util.Parse(stored.Trim(), "FR");
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
