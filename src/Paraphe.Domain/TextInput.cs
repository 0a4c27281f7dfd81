using System.Text;

namespace Paraphe.Domain;

/// <summary>
/// The one place for what a caller may send as text: a maximum length for every field and the characters allowed.
/// Names, roles and titles are one line of visible text (no control characters, no bidirectional overrides that
/// would make « Jean » display as something else on the evidence page); free texts (reasons) may hold line breaks.
/// Nothing may hold U+0000 or a lone surrogate (PostgreSQL refuses the first, every encoder the second).
/// Checked where each value enters: the domain's factories and verbs, and the use cases for what stays outside it.
/// docs/LIMITS.md lists every rule.
/// </summary>
public static class TextInput
{
    /// <param name="Label">How the French messages name the field (« le titre »).</param>
    public sealed record Rule(int MaxLength, bool MultiLine, string Label);

    public static readonly Rule Title = new(200, false, "le titre");
    public static readonly Rule Kind = new(50, false, "le type de document");
    public static readonly Rule FirstName = new(100, false, "le prénom");
    public static readonly Rule LastName = new(100, false, "le nom");
    public static readonly Rule Email = new(254, false, "l'adresse email");
    public static readonly Rule Mobile = new(40, false, "le numéro de mobile");
    public static readonly Rule Language = new(10, false, "la langue");
    public static readonly Rule Role = new(100, false, "le rôle");
    public static readonly Rule Reason = new(1000, true, "la raison");
    public static readonly Rule TypedName = new(120, false, "le nom tapé");
    /// <summary>The signer types « prénom nom »: the longest first name, a space and the longest last name fit.</summary>
    public static readonly Rule ConfirmedName = new(FirstName.MaxLength + 1 + LastName.MaxLength, false, "le nom confirmé");
    public static readonly Rule Otp = new(12, false, "le code");
    public static readonly Rule Query = new(200, false, "la recherche");
    public static readonly Rule StatusFilter = new(100, false, "le filtre de statut");
    public static readonly Rule Mode = new(20, false, "le mode");
    public static readonly Rule Id = new(100, false, "l'identifiant");
    /// <summary>The agent's personal message to the signers, quoted in the invitation email.</summary>
    public static readonly Rule Message = new(500, true, "le message personnel");
    /// <summary>What is kept of a client's User-Agent header and address (<see cref="Clean"/>).</summary>
    public const int MaxUserAgent = 512;
    public const int MaxIp = 64;

    /// <summary>Anything else a caller sends (a query parameter, a form field): only NUL and lone surrogates are refused.</summary>
    public static readonly Rule Any = new(int.MaxValue, true, "la valeur");

    /// <summary>Every rule by the name docs/LIMITS.md gives it, for the documentation test.</summary>
    public static IReadOnlyDictionary<string, Rule> All { get; } = new Dictionary<string, Rule>
    {
        ["title"] = Title, ["kind"] = Kind, ["first_name"] = FirstName, ["last_name"] = LastName, ["email"] = Email,
        ["mobile"] = Mobile, ["language"] = Language, ["role"] = Role, ["reason"] = Reason, ["typed_name"] = TypedName,
        ["confirmed_name"] = ConfirmedName, ["otp"] = Otp, ["q"] = Query, ["status"] = StatusFilter, ["mode"] = Mode, ["id"] = Id,
        ["message"] = Message,
    };

    /// <summary>The French reason <paramref name="value"/> breaks <paramref name="rule"/>, or null when it is acceptable (null is).</summary>
    public static string? Problem(string? value, Rule rule)
    {
        if (value is null) return null;
        if (value.Length > rule.MaxLength)
            return $"Trop long : {rule.MaxLength} caractères au plus pour {rule.Label} ({value.Length} reçus).";
        return CharacterProblem(value, rule.MultiLine, rule.Label);
    }

    /// <summary>The characters only: NUL, lone surrogates, and (single-line) every control or bidi formatting character.</summary>
    public static string? CharacterProblem(string value, bool multiLine, string label = "la valeur")
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0') return $"Le caractère nul (U+0000) est interdit dans {label}.";
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
                return $"Caractère Unicode invalide (demi-paire isolée) dans {label}.";
            }
            if (char.IsLowSurrogate(c)) return $"Caractère Unicode invalide (demi-paire isolée) dans {label}.";
            if (multiLine && c is '\n' or '\r' or '\t') continue;
            if (IsControl(c))
                return $"Caractère de contrôle interdit dans {label} (U+{(int)c:X4}){(multiLine ? "" : " : une seule ligne de texte visible")}.";
            if (IsBidiFormatting(c))
                return $"Caractère de mise en forme bidirectionnelle interdit dans {label} (U+{(int)c:X4}) : il changerait l'ordre d'affichage du texte.";
        }
        return null;
    }

    /// <summary>C0, DEL and C1.</summary>
    public static bool IsControl(char c) => c < 0x20 || c is >= '\u007F' and <= '\u009F';

    /// <summary>Embeddings and overrides (U+202A–202E), isolates (U+2066–2069), marks (U+200E, U+200F, U+061C).</summary>
    public static bool IsBidiFormatting(char c) =>
        c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';

    /// <summary>Adds the problem of <paramref name="value"/>, if any, under <paramref name="field"/>.</summary>
    public static void Check(IDictionary<string, string[]> errors, string field, string? value, Rule rule)
    {
        if (Problem(value, rule) is { } problem && !errors.ContainsKey(field)) errors[field] = [problem];
    }

    /// <summary>Throws `validation_failed` naming <paramref name="field"/> when <paramref name="value"/> breaks <paramref name="rule"/>.</summary>
    public static void Ensure(string field, string? value, Rule rule)
    {
        if (Problem(value, rule) is { } problem)
            throw Invalid(new Dictionary<string, string[]> { [field] = [problem] });
    }

    /// <summary>Throws `validation_failed` with every error collected, if any.</summary>
    public static void ThrowIfAny(IReadOnlyDictionary<string, string[]> errors)
    {
        if (errors.Count > 0) throw Invalid(errors);
    }

    private static DomainException Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(ErrorCodes.ValidationFailed, errors.Count == 1 ? errors.First().Value[0] : "Certaines valeurs ne sont pas acceptées.", errors);

    /// <summary>
    /// For what Paraphe records but nobody typed for it (a User-Agent, an address): control, bidi and invalid
    /// characters dropped, cut to <paramref name="maxLength"/>. Null and blank stay null.
    /// </summary>
    public static string? Clean(string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var cleaned = Keep(value, maxLength, c => IsControl(c) || IsBidiFormatting(c)).Trim();
        return cleaned.Length == 0 ? null : cleaned;
    }

    /// <summary>
    /// <paramref name="value"/> without lone surrogates and the characters <paramref name="dropped"/> names, cut to at most
    /// <paramref name="maxLength"/> characters and never inside a surrogate pair.
    /// </summary>
    public static string Keep(string value, int maxLength, Func<char, bool> dropped)
    {
        var b = new StringBuilder(Math.Min(value.Length, maxLength));
        for (var i = 0; i < value.Length && b.Length < maxLength; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                if (b.Length + 2 > maxLength) break;
                b.Append(c).Append(value[++i]);
                continue;
            }
            if (char.IsSurrogate(c) || dropped(c)) continue;
            b.Append(c);
        }
        return b.ToString();
    }
}
