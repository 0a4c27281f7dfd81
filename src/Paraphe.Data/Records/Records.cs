namespace Paraphe.Data.Records;

/// <summary>An agency's API key; only its SHA-256 is stored. <see cref="Prefix"/> lets an operator recognise it.</summary>
public sealed class ApiKey
{
    public string Id { get; set; } = "";
    public string AgencyId { get; set; } = "";
    public string Prefix { get; set; } = "";
    public string Hash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

/// <summary>The bytes of a document, apart from its metadata so that lists never load them.</summary>
public sealed class DocumentContent
{
    public string DocumentId { get; set; } = "";
    public string AgencyId { get; set; } = "";
    public byte[] Bytes { get; set; } = [];
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
    public DateTime At { get; set; }
}
