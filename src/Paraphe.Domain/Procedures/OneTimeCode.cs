using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Paraphe.Domain.Procedures;

/// <summary>The rules of signing codes sent by SMS (procedures with `otp: true`).</summary>
public static class OtpRules
{
    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(10);
    public const int MaxAttempts = 5;
    public const int MaxSends = 3;
    public static readonly TimeSpan SendWindow = TimeSpan.FromMinutes(15);

    /// <summary>Codes one signer may receive over the procedure's whole life; beyond, the signer is locked.</summary>
    public const int MaxSendsPerSigner = 10;

    /// <summary>Wrong entries one signer may make over the procedure's whole life (all codes together); at the last, the signer is locked.</summary>
    public const int MaxWrongEntriesPerSigner = 15;
}

/// <summary>
/// One 6-digit code sent by SMS to one signer. The code itself is never stored: it is derived from a server key,
/// the signer and this code's id (<see cref="OneTimeCodeKey"/>), so the dispatcher derives it again when it renders
/// the SMS, and the row keeps only a keyed hash to check what the signer types. Only the signer's latest code counts.
/// </summary>
public sealed class OneTimeCode
{
    private OneTimeCode() { }

    public string Id { get; private set; } = "";
    public string SignerId { get; private set; } = "";
    /// <summary>1, 2, 3… per signer: the highest is the code that counts.</summary>
    public int Number { get; private set; }
    /// <summary>The SMS that carries this code.</summary>
    public string NotificationId { get; private set; } = "";
    public string CodeHash { get; private set; } = "";
    public DateTime SentAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public int FailedAttempts { get; private set; }
    public DateTime? UsedAt { get; private set; }
    /// <summary>Set after <see cref="OtpRules.MaxAttempts"/> wrong entries: a new code must be requested.</summary>
    public DateTime? VoidedAt { get; private set; }

    public int AttemptsLeft => Math.Max(0, OtpRules.MaxAttempts - FailedAttempts);

    public bool IsExpired(DateTime now) => now >= ExpiresAt;

    internal static OneTimeCode Issue(string signerId, int number, string notificationId, OneTimeCodeKey key, DateTime now)
    {
        var code = new OneTimeCode
        {
            Id = Ids.New("otp"), SignerId = signerId, Number = number, NotificationId = notificationId,
            SentAt = now, ExpiresAt = now + OtpRules.Validity,
        };
        code.CodeHash = key.HashOf(signerId, code.Id, key.CodeFor(signerId, code.Id));
        return code;
    }

    internal void Use(DateTime now) => UsedAt = now;

    /// <summary>One more wrong entry; true when it was the last one allowed (the code is now void).</summary>
    internal bool Fail(DateTime now)
    {
        FailedAttempts++;
        if (FailedAttempts < OtpRules.MaxAttempts) return false;
        VoidedAt = now;
        return true;
    }
}

/// <summary>
/// The keyed functions of signing codes. Pure computation (HMAC-SHA256); the key comes from the server's
/// configuration and never enters the database. A code is bound to its signer: the signer's id is in both the
/// derivation and the hash, so a code of signer A never checks for B.
/// </summary>
public sealed class OneTimeCodeKey(byte[] key)
{
    private readonly byte[] _key = key.Length >= 32 ? key : throw new ArgumentException("The OTP key has at least 256 bits.", nameof(key));

    /// <summary>The 6 digits sent to the signer (uniform to within 2⁻⁴⁴: 64 bits of HMAC reduced modulo 10⁶).</summary>
    public string CodeFor(string signerId, string codeId)
    {
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"otp-code:{signerId}:{codeId}"));
        return (BinaryPrimitives.ReadUInt64BigEndian(mac) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    public string HashOf(string signerId, string codeId, string code) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"otp-hash:{signerId}:{codeId}:{code}")));

    public bool Matches(OneTimeCode code, string typed) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(HashOf(code.SignerId, code.Id, typed)), Encoding.ASCII.GetBytes(code.CodeHash));
}
