namespace Paraphe.Domain.Contacts;

/// <summary>
/// Can we send to this address? Strict syntax (<see cref="EmailSyntax"/>), then a typo check of the domain
/// against the mail providers common in France (<see cref="EmailTypos"/>). Pure: no DNS.
/// A suspected typo is not ok: it must be corrected before a remote procedure is launched.
/// </summary>
internal static class EmailChecker
{
    public static EmailCheck Check(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return new EmailCheck(false, CheckCodes.EmailMissing,
                "Adresse email manquante : saisissez l'adresse email du client.", null, null);
        }

        var trimmed = email.Trim();
        var syntax = EmailSyntax.Validate(trimmed);
        if (syntax is EmailSyntax.Invalid invalid)
        {
            return new EmailCheck(false, CheckCodes.EmailInvalid, invalid.Message, invalid.Suggestion, trimmed);
        }

        var valid = (EmailSyntax.Valid)syntax;
        var domain = valid.Domain.ToLowerInvariant();
        var normalized = $"{valid.LocalPart}@{domain}";

        var suggestedDomain = EmailTypos.SuggestDomain(domain);
        if (suggestedDomain is not null)
        {
            var suggestion = $"{valid.LocalPart}@{suggestedDomain}";
            return new EmailCheck(false, CheckCodes.EmailSuspectedTypo,
                $"Vouliez-vous dire {suggestion} ? Corrigez l'adresse avant le lancement.", suggestion, normalized);
        }

        return new EmailCheck(true, null, null, null, normalized);
    }
}
