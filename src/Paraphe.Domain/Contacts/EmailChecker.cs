namespace Paraphe.Domain.Contacts;

// Placeholder: replaced by the real checker.
internal static class EmailChecker
{
    public static EmailCheck Check(string? email) =>
        string.IsNullOrWhiteSpace(email)
            ? new EmailCheck(false, CheckCodes.EmailMissing, "Adresse email manquante.", null, null)
            : new EmailCheck(email.Contains('@'), email.Contains('@') ? null : CheckCodes.EmailInvalid, null, null, email.Trim());
}
