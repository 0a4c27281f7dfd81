using System.Globalization;

namespace Paraphe.Domain;

/// <summary>
/// The small rules of French that generated sentences get wrong: elision (« en tant qu'acquéreur », not « que
/// acquéreur ») and plurals (« 1 signataire », « 2 signataires », « 0 relance » — zero is singular in French).
/// </summary>
public static class FrenchWords
{
    /// <summary>« qu'acquéreur », « que vendeur »: « que » elided before a vowel or a mute h.</summary>
    public static string Que(string word) => Elides(word) ? "qu'" + word.TrimStart() : "que " + word.TrimStart();

    /// <summary>« qu' » or « que »: the word before a role shown on its own (in bold, say).</summary>
    public static string QueBefore(string word) => Elides(word) ? "qu'" : "que ";

    /// <summary>« d'Hélène », « de Karim ».</summary>
    public static string De(string word) => Elides(word) ? "d'" + word.TrimStart() : "de " + word.TrimStart();

    /// <summary>« 0 relance », « 1 signataire », « 2 signataires »; <paramref name="plural"/> when not just « s » added.</summary>
    public static string Count(int n, string singular, string? plural = null) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (Math.Abs(n) >= 2 ? plural ?? singular + "s" : singular);

    private static bool Elides(string word)
    {
        var w = word.TrimStart();
        if (w.Length == 0) return false;
        var first = char.ToLowerInvariant(Text.RemoveDiacritics(w[..1])[0]);
        return first is 'a' or 'e' or 'i' or 'o' or 'u' or 'y' or 'h' or 'œ' or 'æ';
    }
}
