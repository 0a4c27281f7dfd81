namespace Paraphe.Domain.Contacts;

// Placeholder: replaced by the real checker.
internal static class MobileChecker
{
    public static MobileCheck Check(string? mobile) =>
        string.IsNullOrWhiteSpace(mobile)
            ? new MobileCheck(false, CheckCodes.MobileMissing, "Numéro de mobile manquant.", null, null, null, null)
            : new MobileCheck(true, null, null, null, "FR", "mobile", mobile.Trim());
}
