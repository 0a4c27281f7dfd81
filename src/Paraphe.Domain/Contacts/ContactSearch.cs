using System.Globalization;
using System.Text;
using PhoneNumbers;

namespace Paraphe.Domain.Contacts;

/// <summary>
/// The contacts search: a contact keeps a search key (<see cref="Key"/>) — names and email folded (lower case, no
/// accents, « œ » as « oe », hyphens and apostrophes as spaces) and the mobile's digits in every usual writing
/// (« 33612345678 » and « 0612345678 ») — and a query becomes terms (<see cref="Terms"/>) that must each be found in
/// it. So « Helene » finds « Hélène », and « 06 12 34 56 78 », « 0612345678 », « +33 6 12… », « 0033612… » or « 34 56 »
/// find the same mobile, on any database (a plain substring test on one column).
/// </summary>
public static class ContactSearch
{
    public const int KeyMaxLength = 800;
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static string Key(string firstName, string lastName, string email, string mobile)
    {
        var parts = new List<string> { Fold(firstName), Fold(lastName), Fold(lastName + " " + firstName), Fold(email) };
        parts.AddRange(PhoneDigits(mobile));
        var key = " " + string.Join(" | ", parts.Where(p => p.Length > 0)) + " ";
        return key.Length <= KeyMaxLength ? key : key[..KeyMaxLength];
    }

    /// <summary>
    /// What a query must match, each term a substring of the key. A query that looks like a phone number (digits,
    /// spaces, « + », dots, dashes, parentheses) is one term of digits, without its international prefix; otherwise
    /// each folded word is a term. Empty when there is nothing to search for.
    /// </summary>
    public static IReadOnlyList<string> Terms(string? query)
    {
        if (string.IsNullOrWhiteSpace(query)) return [];
        var q = query.Trim();
        if (LooksLikePhone(q))
        {
            var digits = new string(q.Where(char.IsAsciiDigit).ToArray());
            if (q.StartsWith('+')) return [digits];
            if (digits.StartsWith("00", StringComparison.Ordinal) && digits.Length > 4) return [digits[2..]];
            return [digits];
        }
        return Fold(q).Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
    }

    private static bool LooksLikePhone(string q) =>
        q.Count(char.IsAsciiDigit) >= 2 && q.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '.' or '-' or '(' or ')' or '/' or '\u00A0' or '\u202F');

    /// <summary>Lower case, accents removed, ligatures spelled out, separators as single spaces.</summary>
    public static string Fold(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        string decomposed;
        try { decomposed = text.Normalize(NormalizationForm.FormD); }
        catch (ArgumentException) { decomposed = text; } // a lone surrogate: nothing to fold
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            switch (char.ToLowerInvariant(c))
            {
                case 'œ': sb.Append("oe"); break;
                case 'æ': sb.Append("ae"); break;
                case 'ß': sb.Append("ss"); break;
                case '-' or '\'' or '’' or '‘' or '_' or ',' or ';' or '|' or '\u00A0' or '\u202F' or '\t': sb.Append(' '); break;
                case var l: sb.Append(l); break;
            }
        }
        return string.Join(' ', sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>« 33612345678 » and « 0612345678 » for +33 6 12 34 56 78; the digits as typed for an invalid number.</summary>
    private static IEnumerable<string> PhoneDigits(string? mobile)
    {
        if (string.IsNullOrWhiteSpace(mobile)) yield break;
        var typed = new string(mobile.Where(char.IsAsciiDigit).ToArray());
        PhoneNumber? number = null;
        try { number = Util.Parse(mobile.Trim(), "FR"); }
        catch (NumberParseException) { }
        if (number is null || number.CountryCode == 0)
        {
            if (typed.Length > 0) yield return typed;
            yield break;
        }
        var significant = Util.GetNationalSignificantNumber(number);
        yield return number.CountryCode + significant;
        var national = new string(Util.Format(number, PhoneNumberFormat.NATIONAL).Where(char.IsAsciiDigit).ToArray());
        yield return national.Length > 0 ? national : "0" + significant;
        if (typed.Length > 0 && typed != number.CountryCode + significant && typed != national) yield return typed;
    }
}
