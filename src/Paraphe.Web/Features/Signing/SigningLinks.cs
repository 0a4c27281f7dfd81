using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Paraphe.Data.Records;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Signing;

/// <summary>
/// Personal signing links. The token is derived from a secret key and the signer's id (256 bits), so it is
/// never stored: the database keeps only its SHA-256, and the dispatcher derives it again when it sends.
/// </summary>
public sealed class SigningLinks
{
    private readonly byte[] _key;
    private readonly string _baseUrl;

    /// <summary>
    /// The key is `Paraphe:SigningKey` when configured; else the one in the database, shared by every instance
    /// (<see cref="PlatformSecrets"/>: generated once, or moved there from an older install's `signing.key`). Without
    /// <paramref name="secrets"/> (unit tests), the data directory's `signing.key`, created if absent.
    /// </summary>
    public SigningLinks(IOptions<ParapheOptions> options, PlatformSecrets? secrets = null)
    {
        var o = options.Value;
        _baseUrl = o.PublicBaseUrl.TrimEnd('/');
        _key = o.SigningKey is { Length: > 0 } configured ? Convert.FromBase64String(configured)
            : secrets is null ? LoadOrCreateKey(o.ResolvedDataDirectory)
            : secrets.GetOrCreate(PlatformSecretNames.SigningKey, () => ReadKeyFile(o.ResolvedDataDirectory), () => RandomNumberGenerator.GetBytes(32));
        OtpKey = new OneTimeCodeKey(HMACSHA256.HashData(_key, "paraphe-otp-key"u8));
    }

    private static byte[]? ReadKeyFile(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "signing.key");
        return File.Exists(path) ? Convert.FromBase64String(File.ReadAllText(path).Trim()) : null;
    }

    /// <summary>Derives SMS signing codes and their hashes: a subkey of the same secret, used for nothing else.</summary>
    public OneTimeCodeKey OtpKey { get; }

    /// <summary>A key for another kind of link (downloads), derived from the same secret and used for nothing else.</summary>
    internal byte[] DeriveKey(string label) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(label));

    public string BaseUrl => _baseUrl;

    public string TokenFor(string signerId) =>
        ApiKeys.Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("sign:" + signerId)));

    public string HashFor(string signerId) => Hash(TokenFor(signerId));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public string UrlFor(string signerId) => $"{_baseUrl}/sign/{TokenFor(signerId)}";

    private static byte[] LoadOrCreateKey(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "signing.key");
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim()); // another process created it first
        }
    }
}
