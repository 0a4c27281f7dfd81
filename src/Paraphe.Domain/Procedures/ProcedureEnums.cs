using Paraphe.Domain.Contacts;

namespace Paraphe.Domain.Procedures;

/// <summary>manual = *Marquer comme signé*, in_person = *Maintenant en face à face*, remote = *Plus tard par email*.</summary>
public enum ProcedureMode { Manual, InPerson, Remote }

public enum ProcedureStatus { Draft, Ongoing, Completed, Declined, Cancelled, Expired }

public enum SignerStatus { Pending, Signed, Declined }

/// <summary>Where a signer's signature goes; null on the signer means automatic placement.</summary>
public sealed record SignatureField(int Page, double X, double Y, double Width, double Height);

/// <summary>A change worth an audit event, recorded by the aggregate and written with it in one transaction.</summary>
public sealed record ProcedureEvent(string Actor, Audit.AuditFact Fact)
{
    /// <summary>The stored type string (<c>signer.signed</c>).</summary>
    public string Type => Audit.AuditCatalogue.TypeOf(Fact.EventKind);
}

/// <summary>What a signer looked like at launch (names, email, mobile and language are frozen from then on).</summary>
public sealed record SignerSnapshot(string FirstName, string LastName, string Email, string Mobile, bool EmailOk, bool MobileOk,
    Language Language = Language.Fr);

/// <summary>What the signer gave when signing.</summary>
public sealed record SignatureData(string? Image, string? TypedName, string? Ip, string? UserAgent, bool InPerson);

public static class ProcedureRules
{
    public const int DefaultExpiryDays = 30;
    public const int MinExpiryDays = 1;
    public const int MaxExpiryDays = 365; // issue 2: 1–365 (docs/PRODUCT.md)
    public const int DefaultReminderIntervalDays = 2;
    public const int DefaultReminderMax = 3;
    /// <summary>A signer may be reminded by hand at most once in this window.</summary>
    public static readonly TimeSpan ManualReminderCooldown = TimeSpan.FromDays(2);
}
