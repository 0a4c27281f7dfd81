namespace Paraphe.Data.Records;

/// <summary>An agency's API key; only its SHA-256 is stored. <see cref="Prefix"/> lets an operator recognise it.</summary>
public sealed class ApiKey
{
    public string Id { get; set; } = "";
    public string AgencyId { get; set; } = "";
    public string Prefix { get; set; } = "";
    public string Hash { get; set; } = "";
    /// <summary>What the director calls it (« Logiciel de transaction »); shown in the list, never the key.</summary>
    public string Name { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    /// <summary>Who created it (`user:usr_…`, `api_key:key_…`, `system`).</summary>
    public string? CreatedBy { get; set; }
    /// <summary>The last request made with it, written at most once a minute.</summary>
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

/// <summary>
/// A one-time link to choose a password: sent by email to a new user (invitation) or to one who forgot it (reset).
/// The token is derived from a secret key and the notification that carries it, so it is never stored: only its
/// SHA-256 is kept, with its expiry and the moment it was used.
/// </summary>
public sealed class AccountToken
{
    public string Id { get; set; } = "";
    public string AgencyId { get; set; } = "";
    public string UserId { get; set; } = "";
    /// <summary>`invitation` or `password_reset`.</summary>
    public string Kind { get; set; } = "";
    /// <summary>SHA-256 (hex) of the token in the link.</summary>
    public string Hash { get; set; } = "";
    /// <summary>The email that carries the link (the token is derived from its id when it is sent).</summary>
    public string NotificationId { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    /// <summary>Set when the link was used, or voided by a newer one or a deactivation.</summary>
    public DateTime? UsedAt { get; set; }
}

public static class AccountTokenKinds
{
    public const string Invitation = "invitation";
    public const string PasswordReset = "password_reset";
}

/// <summary>
/// Where the bytes of a document are, apart from its metadata so that lists never load them: the object
/// <see cref="StorageKey"/> in the document store (`Paraphe:Storage`), whose SHA-256 and size are the document's.
/// Rows written before the store kept the bytes here; <see cref="Bytes"/> is then set and the start-up migration
/// (`StoredContentMigration`) moves them out and clears it.
/// </summary>
public sealed class DocumentContent
{
    public string DocumentId { get; set; } = "";
    public string AgencyId { get; set; } = "";
    public byte[]? Bytes { get; set; }
    public string? StorageKey { get; set; }
}

/// <summary>The first answer to a POST carrying an Idempotency-Key, replayed for the same key and body.</summary>
public sealed class IdempotencyRecord
{
    public long Id { get; set; }
    public string AgencyId { get; set; } = "";
    public string Key { get; set; } = "";
    public string RequestHash { get; set; } = "";
    /// <summary>0 while the first request is still running.</summary>
    public int StatusCode { get; set; }
    public string? ContentType { get; set; }
    public byte[] Body { get; set; } = [];
    public string? Location { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>
    /// The request that holds the key (a random token, a concurrency token): the work's save writes the completion
    /// only while it still holds it, so a key taken over after its lease ran out cannot commit twice.
    /// </summary>
    public string? Owner { get; set; }
    /// <summary>Until when the holder is presumed alive; past it (or null: a record older than leases) a retry takes the key.</summary>
    public DateTime? LeaseUntil { get; set; }
    /// <summary>When the work the key protects committed (in the same transaction); null while nothing was committed.</summary>
    public DateTime? CommittedAt { get; set; }
}

/// <summary>A message as the capture provider received it: exactly what the client would have got.</summary>
public sealed class CapturedMessage
{
    public string Id { get; set; } = "";
    public string AgencyId { get; set; } = "";
    public string NotificationId { get; set; } = "";
    public string Channel { get; set; } = "";
    public string To { get; set; } = "";
    public string? Subject { get; set; }
    public string Body { get; set; } = "";
    public string? Html { get; set; }
    /// <summary>Attached files as « name (size in bytes) », one per line; the bytes are not kept.</summary>
    public string? Attachments { get; set; }
    public DateTime At { get; set; }
}

/// <summary>
/// The signed document of a completed procedure: stamped, with its evidence page, sealed. Written once, in the
/// transaction that records the seal on the procedure; <see cref="Sha256"/> lets /verify recognise an intact copy.
/// </summary>
public sealed class SealedDocument
{
    public string ProcedureId { get; set; } = "";
    public string AgencyId { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public long Size { get; set; }
    /// <summary>Only in rows written before the document store; moved out and cleared at start-up.</summary>
    public byte[]? Bytes { get; set; }
    /// <summary>The sealed PDF in the document store (its SHA-256 and size are <see cref="Sha256"/> and <see cref="Size"/>).</summary>
    public string? StorageKey { get; set; }
    public DateTime SealedAt { get; set; }

    /// <summary>SHA-256 (hex) of the seal's CMS signature value: /verify names this procedure for a modified copy only
    /// when the copy's seal is this one. Null for documents sealed before it was stored (computed on first need).</summary>
    public string? SealSignatureSha256 { get; set; }
}

/// <summary>
/// The outbox entry of a completion: written in the transaction that completes the procedure (nothing can complete
/// without one), taken by the sealing worker, and found again after a crash because it is not <see cref="DoneAt"/>.
/// </summary>
public sealed class SealingJob
{
    public string ProcedureId { get; set; } = "";
    public string AgencyId { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public int Attempts { get; set; }
    /// <summary>Not before this time: a lease while a worker holds it, a backoff after a failure.</summary>
    public DateTime NextAttemptAt { get; set; }
    /// <summary>Why the last attempt failed, in French for the agent (the technical detail is in the log).</summary>
    public string? LastError { get; set; }
    public DateTime? DoneAt { get; set; }
    /// <summary>Given up after `Paraphe:Sealing:Worker:MaxAttempts` failures: no more attempts until an agent retries.</summary>
    public DateTime? FailedAt { get; set; }
    /// <summary>Optimistic concurrency: two workers never both take the same job.</summary>
    public int Version { get; set; }
}
