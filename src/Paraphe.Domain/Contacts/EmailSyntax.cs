using MimeKit;

namespace Paraphe.Domain.Contacts;

/// <summary>
/// Strict address syntax: a bare dot-atom <c>local@domain</c> (no display name, no quoted local part, no comment,
/// no domain literal, ASCII only), our own length and domain rules, and MimeKit's strict parser as a final gate
/// whose result must equal the input.
/// </summary>
internal static class EmailSyntax
{
    private const int MaxLocalPart = 64;
    private const int MaxAddress = 254;
    private const int MaxDomain = 253;
    private const int MaxLabel = 63;

    /// <summary>RFC 5322 atext besides letters and digits.</summary>
    private const string AtextSymbols = "!#$%&'*+/=?^_`{|}~-";

    private static readonly ParserOptions StrictOptions = new()
    {
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowAddressesWithoutDomain = false,
    };

    internal abstract record Result;

    internal sealed record Valid(string LocalPart, string Domain) : Result;

    internal sealed record Invalid(string Message, string? Suggestion = null) : Result;

    public static Result Validate(string address)
    {
        if (address.Contains('<') || address.Contains('>'))
        {
            return new Invalid("Saisissez uniquement l'adresse, sans nom ni chevrons (< >).", InnerAddress(address));
        }

        if (address.Any(char.IsWhiteSpace))
        {
            return new Invalid("L'adresse contient un espace : une adresse email s'écrit sans espace.");
        }

        var at = address.Split('@');
        if (at.Length == 1)
        {
            return new Invalid("Il manque le @ (exemple : prenom.nom@gmail.com).");
        }

        if (at.Length > 2)
        {
            return new Invalid("L'adresse contient plusieurs @ : il n'en faut qu'un.");
        }

        var (local, domain) = (at[0], at[1]);
        if (local.Length == 0)
        {
            return new Invalid("Il manque la partie avant le @.");
        }

        if (domain.Length == 0)
        {
            return new Invalid("Il manque le domaine après le @ (exemple : gmail.com).");
        }

        if (address.Any(c => c > '\u007F'))
        {
            return new Invalid("L'adresse contient un accent ou un caractère spécial (é, ç…) : "
                + "une adresse email s'écrit sans accent.");
        }

        if (address.Length > MaxAddress)
        {
            return new Invalid($"L'adresse est trop longue ({MaxAddress} caractères au plus).");
        }

        return CheckLocalPart(local) ?? CheckDomain(local, domain) ?? MimeKitGate(address, local, domain);
    }

    private static Invalid? CheckLocalPart(string local)
    {
        if (local.Length > MaxLocalPart)
        {
            return new Invalid($"La partie avant le @ est trop longue ({MaxLocalPart} caractères au plus).");
        }

        var forbidden = local.FirstOrDefault(c => !char.IsAsciiLetterOrDigit(c) && c != '.' && !AtextSymbols.Contains(c));
        if (forbidden != default)
        {
            return new Invalid($"La partie avant le @ contient un caractère non autorisé : « {forbidden} ».");
        }

        return local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal)
            ? new Invalid("Point mal placé avant le @ : ni au début, ni à la fin, ni deux points de suite.")
            : null;
    }

    private static Invalid? CheckDomain(string local, string domain)
    {
        if (domain.Contains(','))
        {
            return new Invalid("Le domaine contient une virgule : remplacez-la par un point.",
                SuggestIfValid($"{local}@{domain.Replace(',', '.')}"));
        }

        if (domain.EndsWith('.'))
        {
            return new Invalid("Le domaine se termine par un point : supprimez-le.",
                SuggestIfValid($"{local}@{domain.TrimEnd('.')}"));
        }

        if (domain.StartsWith('.') || domain.Contains("..", StringComparison.Ordinal))
        {
            return new Invalid("Point mal placé après le @ : ni au début, ni deux points de suite.");
        }

        if (domain.Length > MaxDomain)
        {
            return new Invalid($"Le domaine est trop long ({MaxDomain} caractères au plus).");
        }

        var labels = domain.Split('.');
        if (labels.Length < 2)
        {
            var completed = EmailTypos.CompleteProvider(domain.ToLowerInvariant());
            return new Invalid("Il manque l'extension du domaine (exemple : gmail.com, orange.fr).",
                completed is null ? null : SuggestIfValid($"{local}@{completed}"));
        }

        foreach (var label in labels)
        {
            if (label.Length > MaxLabel || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return new Invalid("Le domaine (après le @) contient un caractère non autorisé : "
                    + "seuls les lettres, les chiffres, les points et les tirets sont acceptés.");
            }

            if (label.StartsWith('-') || label.EndsWith('-'))
            {
                return new Invalid("Le domaine (après le @) ne peut pas commencer ni finir par un tiret.");
            }
        }

        var tld = labels[^1];
        return tld.Length < 2 || !tld.All(char.IsAsciiLetter)
            ? new Invalid($"L'extension « .{tld} » n'est pas valide (exemple : .fr, .com).")
            : null;
    }

    private static Result MimeKitGate(string address, string local, string domain)
    {
        var same = MailboxAddress.TryParse(StrictOptions, address, out var mailbox)
            && string.IsNullOrEmpty(mailbox.Name)
            && string.Equals(mailbox.Address, address, StringComparison.Ordinal);
        return same
            ? new Valid(local, domain)
            : new Invalid("Adresse email invalide : vérifiez-la avec le client.");
    }

    private static string? InnerAddress(string address)
    {
        var open = address.LastIndexOf('<');
        var close = open < 0 ? -1 : address.IndexOf('>', open + 1);
        return close > open + 1 ? SuggestIfValid(address[(open + 1)..close].Trim()) : null;
    }

    private static string? SuggestIfValid(string candidate) =>
        Validate(candidate) is Valid ? candidate : null;
}
