using System.Globalization;
using System.Text;

namespace Paraphe.Domain;

public static class Text
{
    /// <summary>"Hélène Lefèvre" → "Helene Lefevre".</summary>
    public static string RemoveDiacritics(string s) =>
        new string(s.Normalize(NormalizationForm.FormD)
            .Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark).ToArray())
        .Normalize(NormalizationForm.FormC);

    /// <summary>For comparing names as people type them: no accents, no case, single spaces.</summary>
    public static string NameKey(string s) =>
        string.Join(' ', RemoveDiacritics(s).ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
