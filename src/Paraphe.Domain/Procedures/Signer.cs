using Paraphe.Domain.Contacts;

namespace Paraphe.Domain.Procedures;

/// <summary>
/// One person who signs. Before launch it points at a contact (or an agency user); at launch its name,
/// email and mobile are frozen. The personal link is stored only as the SHA-256 of its token.
/// </summary>
public sealed class Signer
{
    private readonly List<OneTimeCode> _codes = [];

    private Signer() { }

    public string Id { get; private set; } = "";
    public string ProcedureId { get; private set; } = "";
    public string? ContactId { get; private set; }
    public string? UserId { get; private set; }
    public int Order { get; private set; }
    public string Role { get; private set; } = "";
    public string FirstName { get; private set; } = "";
    public string LastName { get; private set; } = "";
    public string Email { get; private set; } = "";
    public string Mobile { get; private set; } = "";
    /// <summary>The language of this signer's messages, from the contact (agency users: French).</summary>
    public Language Language { get; private set; }
    public SignatureField? Field { get; private set; }
    public SignerStatus Status { get; private set; }
    public string? TokenHash { get; private set; }
    public DateTime? InvitedAt { get; private set; }
    public DateTime? OpenedAt { get; private set; }
    public DateTime? SignedAt { get; private set; }
    public DateTime? DeclinedAt { get; private set; }
    public string? DeclineReason { get; private set; }
    public string? SignatureImage { get; private set; }
    public string? TypedName { get; private set; }
    public string? SignedIp { get; private set; }
    public string? SignedUserAgent { get; private set; }
    public bool SignedInPerson { get; private set; }
    public int RemindersSent { get; private set; }
    public DateTime? LastReminderAt { get; private set; }
    /// <summary>The automatic ones among <see cref="RemindersSent"/>: the procedure's ReminderMax caps these only.</summary>
    public int AutoRemindersSent { get; private set; }
    /// <summary>
    /// When the signer used up their signing codes for good (<see cref="OtpRules.MaxSendsPerSigner"/>,
    /// <see cref="OtpRules.MaxWrongEntriesPerSigner"/>): from then on no code is sent and no code is checked.
    /// </summary>
    public DateTime? OtpLockedAt { get; private set; }

    public string DisplayName => $"{FirstName} {LastName}".Trim();

    /// <summary>The signing codes sent to this signer (procedures with `otp`).</summary>
    public IReadOnlyList<OneTimeCode> Codes => _codes;

    /// <summary>The code that counts: the last one requested.</summary>
    public OneTimeCode? LatestCode => _codes.MaxBy(c => c.Number);

    internal void AddCode(OneTimeCode code) => _codes.Add(code);

    /// <summary>Codes sent to this signer over the procedure's life.</summary>
    public int OtpSends => _codes.Count;

    /// <summary>Wrong codes typed by this signer over the procedure's life, all codes together.</summary>
    public int OtpWrongEntries => _codes.Sum(c => c.FailedAttempts);

    /// <summary>Locks the signer's codes; false when they were locked already.</summary>
    internal bool LockOtp(DateTime now)
    {
        if (OtpLockedAt is not null) return false;
        OtpLockedAt = now;
        return true;
    }

    internal static Signer Create(string procedureId, string? contactId, string? userId, int order, string? role,
        SignatureField? field, SignerSnapshot current) => new()
    {
        Id = Ids.Signer(), ProcedureId = procedureId, ContactId = contactId, UserId = userId, Order = order,
        Role = string.IsNullOrWhiteSpace(role) ? "signataire" : role.Trim(),
        // Always a copy: EF owns one SignatureField per signer, and an instance shared with another signer (a relaunch
        // copying its places) fails the save ('SignatureField.SignerId' is part of a key).
        Field = field is null ? null : field with { },
        FirstName = current.FirstName, LastName = current.LastName, Email = current.Email, Mobile = current.Mobile,
        Language = current.Language, Status = SignerStatus.Pending,
    };

    internal void Freeze(SignerSnapshot snapshot, string tokenHash)
    {
        Refresh(snapshot);
        TokenHash = tokenHash;
    }

    internal void Refresh(SignerSnapshot snapshot)
    {
        FirstName = snapshot.FirstName;
        LastName = snapshot.LastName;
        Email = snapshot.Email;
        Mobile = snapshot.Mobile;
        Language = snapshot.Language;
    }

    internal void MoveTo(int order) => Order = order;

    internal void MarkInvited(DateTime now) => InvitedAt = now;

    internal bool RecordOpening(DateTime now)
    {
        if (OpenedAt is not null) return false;
        OpenedAt = now;
        return true;
    }

    internal void Sign(SignatureData data, DateTime now)
    {
        Status = SignerStatus.Signed;
        SignedAt = now;
        SignatureImage = data.Image;
        TypedName = data.TypedName;
        SignedIp = data.Ip;
        SignedUserAgent = data.UserAgent;
        SignedInPerson = data.InPerson;
    }

    internal void Decline(string reason, DateTime now)
    {
        Status = SignerStatus.Declined;
        DeclinedAt = now;
        DeclineReason = reason;
    }

    internal void RecordReminder(DateTime now, bool automatic)
    {
        RemindersSent++;
        if (automatic) AutoRemindersSent++;
        LastReminderAt = now;
    }

    /// <summary>When the agent may remind this signer by hand again (null: now).</summary>
    public DateTime? NextManualReminderAt =>
        LastReminderAt is { } last ? last + ProcedureRules.ManualReminderCooldown : null;
}
