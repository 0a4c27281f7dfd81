namespace Paraphe.Domain.Contacts;

/// <summary>Stable codes of the contact checks (also diagnosis codes).</summary>
public static class CheckCodes
{
    public const string EmailMissing = "email_missing";
    public const string EmailInvalid = "email_invalid";
    public const string EmailSuspectedTypo = "email_suspected_typo";
    public const string MobileMissing = "mobile_missing";
    public const string MobileInvalid = "mobile_invalid";
    public const string MobileNotMobile = "mobile_not_mobile";
    public const string MobileWrongCountry = "mobile_wrong_country";
}

/// <param name="Ok">true when the address can be used to send.</param>
/// <param name="Normalized">the trimmed address as stored (never silently corrected).</param>
public sealed record EmailCheck(bool Ok, string? Code, string? Message, string? Suggestion, string? Normalized);

/// <param name="E164">the number in E.164 when it is a valid number, else null.</param>
/// <param name="Region">ISO region of the number ("FR", "RE"…), when known.</param>
/// <param name="Type">"mobile", "fixed_line", "fixed_line_or_mobile", "voip", "toll_free", "premium_rate", "shared_cost", "unknown"…</param>
public sealed record MobileCheck(bool Ok, string? Code, string? Message, string? Suggestion, string? Region, string? Type, string? E164);

public sealed record ContactCheckResult(EmailCheck Email, MobileCheck Mobile)
{
    public bool CanReceiveRemote => Email.Ok && Mobile.Ok;
}

/// <summary>Checks run when a contact is saved and again at launch. Pure: no DNS, no I/O.</summary>
public static class ContactChecks
{
    public static ContactCheckResult Check(string? email, string? mobile) => new(CheckEmail(email), CheckMobile(mobile));

    private static readonly CheckMemo<EmailCheck> Emails = new(e => EmailChecker.Check(e));
    private static readonly CheckMemo<MobileCheck> Mobiles = new(m => MobileChecker.Check(m));

    /// <summary>Remembered by input (<see cref="CheckMemo{T}"/>): the same address gives the same answer.</summary>
    public static EmailCheck CheckEmail(string? email) => email is null ? EmailChecker.Check(email) : Emails.Get(email);

    /// <summary>Remembered by input (<see cref="CheckMemo{T}"/>): the same number gives the same answer.</summary>
    public static MobileCheck CheckMobile(string? mobile) => mobile is null ? MobileChecker.Check(mobile) : Mobiles.Get(mobile);
}
