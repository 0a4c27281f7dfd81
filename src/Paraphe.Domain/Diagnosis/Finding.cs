namespace Paraphe.Domain.Diagnosis;

/// <summary>How much a finding should worry the agent; findings are listed error first.</summary>
public enum Severity { Info, Warning, Error }

/// <summary>
/// One fact about a signer's messages, in the agent's words, with what to do about it.
/// </summary>
/// <param name="Code">stable code (<see cref="DiagnosisCodes"/>).</param>
/// <param name="Message">what happened, in French, for the agent.</param>
/// <param name="Action">what to do, in French.</param>
/// <param name="ActionKind">a hint for the UI's button (<see cref="ActionKinds"/>), or null when there is nothing to click.</param>
/// <param name="Suggestion">the corrected address or number, when Paraphe has one.</param>
public sealed record Finding(string Code, Severity Severity, string Message, string Action, string? ActionKind = null,
    string? Suggestion = null);

/// <summary>Stable codes of the delivery diagnosis (the contact-check codes are among them).</summary>
public static class DiagnosisCodes
{
    public const string ModeInPerson = "mode_in_person";
    public const string ModeManual = "mode_manual";
    public const string NotLaunched = "not_launched";
    public const string EmailMissing = Contacts.CheckCodes.EmailMissing;
    public const string EmailInvalid = Contacts.CheckCodes.EmailInvalid;
    public const string EmailSuspectedTypo = Contacts.CheckCodes.EmailSuspectedTypo;
    public const string EmailHardBounce = "email_hard_bounce";
    public const string EmailBlocked = "email_blocked";
    public const string EmailDeferred = "email_deferred";
    public const string EmailNotOpened = "email_not_opened";
    /// <summary>Any other permanent email failure (the SPEC's table has sms_failed; this is its email twin).</summary>
    public const string EmailFailed = "email_failed";
    public const string MobileMissing = Contacts.CheckCodes.MobileMissing;
    public const string MobileInvalid = Contacts.CheckCodes.MobileInvalid;
    public const string MobileNotMobile = Contacts.CheckCodes.MobileNotMobile;
    public const string MobileWrongCountry = Contacts.CheckCodes.MobileWrongCountry;
    public const string SmsUnknownNumber = "sms_unknown_number";
    public const string SmsUndeliveredOverseas = "sms_undelivered_overseas";
    public const string SmsFailed = "sms_failed";
    public const string ProviderOutage = "provider_outage";
    /// <summary>The signer used up their signing codes (too many sent or typed wrong): only a relaunch lets them sign.</summary>
    public const string OtpLocked = "otp_locked";
    /// <summary>A message on its way (queued, being sent, accepted, retried): nothing to do yet.</summary>
    public const string InTransit = "in_transit";
    /// <summary>Neither the email nor the SMS reaches the signer: one finding, one correction (never « count on the other »).</summary>
    public const string ContactUnreachable = "contact_unreachable";
    /// <summary>Sequential order: the signer is invited once the earlier signers have signed; nothing was sent yet, by design.</summary>
    public const string AwaitingPreviousSigners = "awaiting_previous_signers";
    public const string Received = "received";
}

/// <summary>What the UI's button for a finding does.</summary>
public static class ActionKinds
{
    /// <summary>Cancel, correct the signer's email or mobile, and launch again (« Corriger et relancer »).</summary>
    public const string CorrectAndRelaunch = "correct_and_relaunch";
    public const string Launch = "launch";
    public const string Remind = "remind";
    public const string Wait = "wait";
    /// <summary>Replace the address or number by <see cref="Finding.Suggestion"/>.</summary>
    public const string UseSuggestion = "use_suggestion";
}
