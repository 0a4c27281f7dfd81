namespace Paraphe.Domain.Contacts;

/// <summary>
/// Does the domain look like a common French mail provider mistyped (gmial.com, hotmail.con, wanadoo.fe)?
/// Tuned against false alarms: real domains are never flagged, short provider names (me, msn, aol, sfr, gmx)
/// are only corrected on their extension, and the allowed distance grows with the domain's length.
/// </summary>
internal static class EmailTypos
{
    /// <summary>Suggestion targets, most common first (wins ties).</summary>
    private static readonly string[] Providers =
    [
        "gmail.com", "hotmail.fr", "hotmail.com", "orange.fr", "wanadoo.fr", "yahoo.fr", "yahoo.com",
        "outlook.fr", "outlook.com", "free.fr", "sfr.fr", "laposte.net", "icloud.com", "live.fr", "live.com",
        "me.com", "neuf.fr", "bbox.fr", "aol.com", "msn.com", "gmx.fr", "protonmail.com", "proton.me",
        "numericable.fr", "club-internet.fr", "aliceadsl.fr",
    ];

    /// <summary>Real domains that are close to a provider but must never be flagged.</summary>
    private static readonly HashSet<string> KnownReal = new(Providers, StringComparer.Ordinal)
    {
        "mail.com", "email.com", "ymail.com", "googlemail.com", "gmx.com", "gmx.net", "gmx.de", "web.de",
        "mac.com", "pm.me", "protonmail.ch", "tutanota.com", "yopmail.com", "yopmail.fr", "laposte.fr",
        "orange.com", "aol.fr", "hotmail.be", "hotmail.de", "hotmail.it", "hotmail.es", "hotmail.gr",
        "hotmail.co.uk", "live.be", "live.co.uk", "outlook.be", "outlook.de", "yahoo.de", "yahoo.es",
        "yahoo.it", "yahoo.gr", "yahoo.co.uk", "yahoo.be", "skynet.be", "bluewin.ch", "noos.fr", "voila.fr",
        "cegetel.net", "tiscali.fr", "libertysurf.fr", "9online.fr", "sfr.com",
    };

    /// <summary>Providers that have a single mailbox domain: any other extension is a mistake (gmail.fr).</summary>
    private static readonly Dictionary<string, string> SingleDomainProviders = new(StringComparer.Ordinal)
    {
        ["gmail"] = "gmail.com",
        ["icloud"] = "icloud.com",
    };

    /// <summary>Provider names shorter than this are only corrected on their extension (ge.com is not me.com).</summary>
    private const int MinNameForWholeDomainMatch = 4;

    /// <summary>Domains up to this length allow one edit; longer ones two (same first letter required).</summary>
    private const int ShortDomainLength = 8;

    /// <returns>The provider domain the input probably meant, or null. <paramref name="domain"/> is lower-case.</returns>
    public static string? SuggestDomain(string domain)
    {
        if (KnownReal.Contains(domain))
        {
            return null;
        }

        var (name, tld) = Split(domain);
        if (Providers.Any(p => Split(p).Name == name))
        {
            return SuggestExtension(name, tld);
        }

        return SuggestWholeDomain(domain);
    }

    /// <summary>A provider name typed without its extension (jean@gmail): its domain when it has only one.</summary>
    public static string? CompleteProvider(string name)
    {
        var matches = Providers.Where(p => Split(p).Name == name).Take(2).ToArray();
        return matches.Length == 1 ? matches[0] : null;
    }

    /// <summary>The provider's name is right, its extension is not: gmail.con, laposte.ent, hotmail.fe.</summary>
    private static string? SuggestExtension(string name, string tld)
    {
        if (SingleDomainProviders.TryGetValue(name, out var only))
        {
            return only;
        }

        return Providers
            .Where(p => Split(p).Name == name)
            .Select(p => (Domain: p, Distance: EditDistance.DamerauLevenshtein(tld, Split(p).Tld)))
            .Where(c => c.Distance <= 1)
            .OrderBy(c => c.Distance)
            .Select(c => c.Domain)
            .FirstOrDefault();
    }

    /// <summary>Both parts may be off: gmial.com, hotmial.fr, orage.fr, gmial.con.</summary>
    private static string? SuggestWholeDomain(string domain)
    {
        var maxDistance = domain.Length <= ShortDomainLength ? 1 : 2;
        return Providers
            .Where(p => Split(p).Name.Length >= MinNameForWholeDomainMatch)
            .Select(p => (Domain: p, Distance: EditDistance.DamerauLevenshtein(domain, p)))
            .Where(c => c.Distance <= maxDistance && (c.Distance == 1 || c.Domain[0] == domain[0]))
            .OrderBy(c => c.Distance)
            .Select(c => c.Domain)
            .FirstOrDefault();
    }

    private static (string Name, string Tld) Split(string domain)
    {
        var dot = domain.LastIndexOf('.');
        return dot < 0 ? (domain, "") : (domain[..dot], domain[(dot + 1)..]);
    }
}
