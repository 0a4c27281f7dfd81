using System.Text.Json.Serialization;

namespace Paraphe.Domain.Audit;

// The catalogue's records, one per AuditKind, grouped by what they are about. Parameter order is key order in the
// stored JSON; the names become snake_case keys (SignerId → signer_id). A key added to a kind later is a trailing
// nullable parameter omitted when null (JsonIgnore WhenWritingNull): older stored events, which lack it, read and write
// back byte for byte (StoredChains), and new events carry it.

/// <summary><c>procedure.created</c>: a draft was created (mode: manual, in_person, remote).</summary>
public sealed record ProcedureCreated(string Mode, string DocumentId, bool Otp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SigningOrder = null)
    : AuditFact(AuditKind.ProcedureCreated);

/// <summary><c>procedure.updated</c>: the draft's mode, options or document changed.</summary>
public sealed record ProcedureUpdated(string Mode, bool Otp, int ExpiresInDays, int ReminderIntervalDays, int ReminderMax,
    string DocumentId, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SigningOrder = null)
    : AuditFact(AuditKind.ProcedureUpdated);

/// <summary><c>signer.added</c>: a contact or a user of the agency (exactly one) became a signer of the draft.</summary>
public sealed record SignerAdded(string SignerId, string? ContactId, string? UserId, string? Role) : AuditFact(AuditKind.SignerAdded);

/// <summary><c>signer.removed</c>.</summary>
public sealed record SignerRemoved(string SignerId) : AuditFact(AuditKind.SignerRemoved);

/// <summary><c>procedure.launched</c>: the document's hash and every signer's coordinates, frozen.</summary>
public sealed record ProcedureLaunched(string Mode, string DocumentSha256, DateTime? ExpiresAt, IReadOnlyList<LaunchedSigner> Signers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SigningOrder = null)
    : AuditFact(AuditKind.ProcedureLaunched);

/// <summary>One signer as frozen at launch.</summary>
public sealed record LaunchedSigner(string SignerId, string Name, string Email, string Mobile, string? Role);

/// <summary><c>procedure.cancelled</c>.</summary>
public sealed record ProcedureCancelled(string? Reason) : AuditFact(AuditKind.ProcedureCancelled);

/// <summary><c>procedure.expired</c>: the sweep found it past <paramref name="ExpiresAt"/>.</summary>
public sealed record ProcedureExpired(DateTime ExpiresAt) : AuditFact(AuditKind.ProcedureExpired);

/// <summary><c>procedure.expiring_soon</c>: the agent was warned (once) that the procedure expires at <paramref name="ExpiresAt"/>.</summary>
public sealed record ProcedureExpiringSoon(DateTime ExpiresAt) : AuditFact(AuditKind.ProcedureExpiringSoon);

/// <summary>
/// <c>alert.raised</c>: the agency was told (<paramref name="Kind"/>: signer_declined, signer_unreachable,
/// procedure_completed, procedure_expiring, sealing_failed), in the app to <paramref name="Users"/>, by email to <paramref name="Emailed"/>.
/// </summary>
public sealed record AlertRaised(string Kind, string? SignerId, IReadOnlyList<string> Users, IReadOnlyList<string> Emailed)
    : AuditFact(AuditKind.AlertRaised);

/// <summary><c>signer.link_opened</c>: the first opening of the personal link.</summary>
public sealed record SignerLinkOpened(string SignerId, string? Ip, string? UserAgent) : AuditFact(AuditKind.SignerLinkOpened);

/// <summary><c>signer.signed</c>; <paramref name="Method"/>: remote, remote_otp, in_person, in_person_otp.</summary>
public sealed record SignerSigned(string SignerId, string Method, string? TypedName, string? Ip, string? UserAgent)
    : AuditFact(AuditKind.SignerSigned);

/// <summary><c>signer.declined</c>, with the signer's reason.</summary>
public sealed record SignerDeclined(string SignerId, string Reason) : AuditFact(AuditKind.SignerDeclined);

/// <summary><c>signer.reminded</c>; <paramref name="Kind"/>: manual or automatic.</summary>
/// <remarks><paramref name="Channels"/> (email, sms: those the reminder went on) came later: absent from older events.</remarks>
public sealed record SignerReminded(string SignerId, string Kind, int RemindersSent, string Email, string Mobile,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Channels = null)
    : AuditFact(AuditKind.SignerReminded);

/// <summary><c>signer.invited</c>: in a sequential procedure, the signer whose turn came was invited.</summary>
public sealed record SignerInvited(string SignerId, int Order, string Email, string Mobile) : AuditFact(AuditKind.SignerInvited);

/// <summary><c>signer.otp_sent</c>: a code left by SMS (the n-th in the 15-minute window).</summary>
public sealed record SignerOtpSent(string SignerId, string CodeId, string NotificationId, string Mobile, DateTime ExpiresAt,
    int SentInWindow) : AuditFact(AuditKind.SignerOtpSent);

/// <summary><c>signer.otp_failed</c>: a wrong code (<paramref name="Reason"/> is "wrong").</summary>
public sealed record SignerOtpFailed(string SignerId, string CodeId, string Reason, int AttemptsLeft) : AuditFact(AuditKind.SignerOtpFailed);

/// <summary><c>signer.otp_verified</c>.</summary>
public sealed record SignerOtpVerified(string SignerId, string CodeId) : AuditFact(AuditKind.SignerOtpVerified);

/// <summary><c>signer.otp_locked</c>; <paramref name="Reason"/>: codes_sent or wrong_entries.</summary>
public sealed record SignerOtpLocked(string SignerId, string Reason, int CodesSent, int WrongEntries) : AuditFact(AuditKind.SignerOtpLocked);

/// <summary><c>procedure.marked_signed</c>: manual mode, signed on paper (the scan is optional).</summary>
public sealed record ProcedureMarkedSigned(string? ScannedDocumentId) : AuditFact(AuditKind.ProcedureMarkedSigned);

/// <summary><c>procedure.completed</c>: every signer signed.</summary>
public sealed record ProcedureCompleted(int Signers) : AuditFact(AuditKind.ProcedureCompleted);

/// <summary><c>procedure.sealed</c>: the SHA-256 and size of the sealed PDF, and the seal's certificate.</summary>
public sealed record ProcedureSealed(string Sha256, long Size, bool Timestamped, string Certificate) : AuditFact(AuditKind.ProcedureSealed);

/// <summary><c>procedure.sealing_failed</c>: the sealing job gave up.</summary>
public sealed record ProcedureSealingFailed(string Reason, int Attempts) : AuditFact(AuditKind.ProcedureSealingFailed);

/// <summary><c>procedure.sealing_retried</c>: the agent asked for the seal again.</summary>
public sealed record ProcedureSealingRetried() : AuditFact(AuditKind.ProcedureSealingRetried);

/// <summary><c>procedure.sent_to_notary</c>.</summary>
public sealed record ProcedureSentToNotary(string Email, string NotificationId) : AuditFact(AuditKind.ProcedureSentToNotary);

/// <summary><c>document.downloaded</c>: a download link sent to <paramref name="To"/> was opened.</summary>
public sealed record DocumentDownloaded(string NotificationId, string To, string? Ip) : AuditFact(AuditKind.DocumentDownloaded);

/// <summary><c>procedure.relaunched</c>, on the old procedure.</summary>
public sealed record ProcedureRelaunched(string ReplacedBy) : AuditFact(AuditKind.ProcedureRelaunched);

/// <summary><c>procedure.relaunch_of</c>, on the new one.</summary>
public sealed record ProcedureRelaunchOf(string Replaces) : AuditFact(AuditKind.ProcedureRelaunchOf);

/// <summary>
/// A message's delivery changed (<c>notification.sent|deferred|delivered|failed</c>): which message, to whom, when the
/// provider says it happened, its words and the failure's kind (a <c>DeliveryFailure</c> name) when it failed or waits.
/// </summary>
public abstract record NotificationReported(AuditKind EventKind, string NotificationId, string? SignerId, string Channel,
    string Purpose, string To, DateTime At, string? Detail, string? Failure) : AuditFact(EventKind);

/// <summary><c>notification.sent</c>: the provider accepted the message.</summary>
public sealed record NotificationSent(string NotificationId, string? SignerId, string Channel, string Purpose, string To, DateTime At,
    string? Detail, string? Failure) : NotificationReported(AuditKind.NotificationSent, NotificationId, SignerId, Channel, Purpose, To, At, Detail, Failure);

/// <summary><c>notification.deferred</c>: a provider or operator still holds it.</summary>
public sealed record NotificationDeferred(string NotificationId, string? SignerId, string Channel, string Purpose, string To, DateTime At,
    string? Detail, string? Failure) : NotificationReported(AuditKind.NotificationDeferred, NotificationId, SignerId, Channel, Purpose, To, At, Detail, Failure);

/// <summary><c>notification.delivered</c>.</summary>
public sealed record NotificationDelivered(string NotificationId, string? SignerId, string Channel, string Purpose, string To, DateTime At,
    string? Detail, string? Failure) : NotificationReported(AuditKind.NotificationDelivered, NotificationId, SignerId, Channel, Purpose, To, At, Detail, Failure);

/// <summary><c>notification.failed</c>: a permanent failure.</summary>
public sealed record NotificationFailed(string NotificationId, string? SignerId, string Channel, string Purpose, string To, DateTime At,
    string? Detail, string? Failure) : NotificationReported(AuditKind.NotificationFailed, NotificationId, SignerId, Channel, Purpose, To, At, Detail, Failure);
