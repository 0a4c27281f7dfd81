namespace Paraphe.Data.Records;

/// <summary>
/// A secret the platform generated for itself (the signing-link key, the development seal certificate) when none is
/// configured: generated once in the database, so that every instance signs links and seals alike.
/// </summary>
public sealed class PlatformSecret
{
    /// <summary>See <see cref="PlatformSecretNames"/>.</summary>
    public string Name { get; set; } = "";
    /// <summary>Base64 of the secret's bytes.</summary>
    public string Value { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

public static class PlatformSecretNames
{
    public const string SigningKey = "signing_key";
    public const string DevelopmentSeal = "development_seal";
}

/// <summary>
/// One fixed window of a rate limit shared by every instance: the key names the limit, what it counts (a link, a
/// client) and the window; each request adds one atomically and learns the count.
/// </summary>
public sealed class RateLimitCounter
{
    public string Key { get; set; } = "";
    public int Count { get; set; }
    /// <summary>When the window ends (the row is then only waiting to be cleaned).</summary>
    public DateTime WindowEnds { get; set; }
}
