using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Paraphe.Domain.Notifications;

/// <summary>
/// The GSM 03.38 (3GPP TS 23.038) default 7-bit alphabet, the one an SMS is sent in when every character belongs
/// to it. Anything else switches the whole message to UCS-2 and halves its capacity — one « or ê is enough.
/// </summary>
public static class Gsm7
{
    /// <summary>
    /// The basic table, one septet each. 0x09 is Ç: the standard's glyph is the capital; Unicode's mapping reads a
    /// small ç there, so phones and providers disagree about ç — it is treated as outside, and transliterated to c.
    /// </summary>
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    /// <summary>The extension table: ESC + one septet, so two septets each.</summary>
    private const string Extension = "\f^{}\\[~]|€";

    private static readonly FrozenSet<char> BasicSet = Basic.ToFrozenSet();
    private static readonly FrozenSet<char> ExtensionSet = Extension.ToFrozenSet();

    /// <summary>Close GSM-7 equivalents of the characters French texts are full of but GSM-7 lacks.</summary>
    private static readonly FrozenDictionary<char, string> Replacements = new Dictionary<char, string>
    {
        ['“'] = "\"", ['”'] = "\"", ['„'] = "\"",
        ['’'] = "'", ['‘'] = "'", ['‚'] = "'", ['`'] = "'", ['´'] = "'",
        ['–'] = "-", ['—'] = "-", ['‑'] = "-", ['…'] = "...", ['•'] = "-",
        ['\u00A0'] = " ", ['\u202F'] = " ", ['\u2009'] = " ", ['\t'] = " ",
        ['ç'] = "c", ['œ'] = "oe", ['Œ'] = "OE", ['°'] = "o", ['²'] = "2", ['³'] = "3",
    }.ToFrozenDictionary();

    /// <summary>How many septets <paramref name="c"/> takes in GSM-7: 1, 2 (extension table), or 0 when it is not GSM-7.</summary>
    public static int Septets(char c) => BasicSet.Contains(c) ? 1 : ExtensionSet.Contains(c) ? 2 : 0;

    public static bool IsGsm7(char c) => Septets(c) > 0;

    public static bool IsGsm7(string text) => text.All(IsGsm7);

    /// <summary>
    /// Replaces only the characters outside GSM-7 by close equivalents (« x » → "x", ’ → ', ê → e, ç → c, œ → oe),
    /// keeping those GSM-7 has (é è ù à É Ç…). A character with no equivalent is kept: the text then goes as UCS-2
    /// rather than lose it.
    /// </summary>
    public static string Transliterate(string text)
    {
        if (IsGsm7(text)) return text;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            // French guillemets take a space inside (« Bail »); straight quotes do not ("Bail").
            if (c == '«')
            {
                sb.Append('"');
                while (i + 1 < text.Length && IsSpace(text[i + 1])) i++;
            }
            else if (c == '»')
            {
                while (sb.Length > 0 && IsSpace(sb[^1])) sb.Length--;
                sb.Append('"');
            }
            else if (IsGsm7(c)) sb.Append(c);
            else if (Replacements.TryGetValue(c, out var replacement)) sb.Append(replacement);
            else if (WithoutAccent(c) is { } plain) sb.Append(plain);
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool IsSpace(char c) => c is ' ' or '\u00A0' or '\u202F' or '\u2009';

    /// <summary>ê → e, Â → A, ï → i: the base letter when dropping the accent gives a GSM-7 character.</summary>
    private static char? WithoutAccent(char c)
    {
        if (char.IsSurrogate(c)) return null; // half an emoji: nothing to drop, and Normalize refuses it
        var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
        var kept = decomposed.Where(d => CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark).ToArray();
        return kept.Length == 1 && kept[0] != c && IsGsm7(kept[0]) ? kept[0] : null;
    }
}
