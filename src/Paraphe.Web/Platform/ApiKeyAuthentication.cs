using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;

namespace Paraphe.Web.Platform;

/// <summary>`Authorization: Bearer pk_…`: an API key belongs to one agency; only its SHA-256 is stored.</summary>
internal sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ParapheDbContext db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var hash = ApiKeys.Hash(header["Bearer ".Length..].Trim());
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Hash == hash && k.RevokedAt == null, Context.RequestAborted);
        if (key is null) return AuthenticateResult.Fail("Unknown API key.");
        // The last use, for the director's list: one conditional UPDATE at most once a minute, never a write per request.
        var now = db.UtcNow;
        if ((key.LastUsedAt is not { } last || now - last >= LastUseResolution) && ClaimLastUse(key.Id, now))
        {
            var before = now - LastUseResolution;
            await db.ApiKeys.Where(k => k.Id == key.Id && (k.LastUsedAt == null || k.LastUsedAt <= before))
                .ExecuteUpdateAsync(u => u.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
        }
        var identity = new ClaimsIdentity(
            [new Claim(ParapheClaims.AgencyId, key.AgencyId), new Claim(ParapheClaims.ApiKeyId, key.Id)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    // Issue 12: when the minute turns, a crowd of requests with the same key all read a stale last use; one of them per
    // instance writes it (the others would queue behind the same row — on SQLite, behind the one writer).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTime> LastUseClaims = new();

    private bool ClaimLastUse(string keyId, DateTime now)
    {
        var claim = db.Database.GetConnectionString() + "|" + keyId; // several apps (tests) in one process: one claim per database
        if (!LastUseClaims.TryGetValue(claim, out var previous)) return LastUseClaims.TryAdd(claim, now);
        return (now - previous >= LastUseResolution || now < previous) && LastUseClaims.TryUpdate(claim, now, previous);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.ContentType = "application/problem+json";
        await Response.WriteAsJsonAsync(Problems.Details(Problems.Unauthorized,
            "Clé d'API manquante ou invalide : envoyez `Authorization: Bearer <clé>`."), (System.Text.Json.JsonSerializerOptions?)null,
            "application/problem+json");
    }
}

public static class ApiKeys
{
    /// <summary>A new key: `pk_` + 256 random bits, base64url.</summary>
    public static string Generate() => "pk_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The stored row of a new <paramref name="key"/>: its hash and first characters, never the key.</summary>
    public static Data.Records.ApiKey NewRow(string agencyId, string key, DateTime now, string name = "", string? createdBy = null) => new()
    {
        Id = $"key_{Guid.CreateVersion7():N}", AgencyId = agencyId, Name = name, Prefix = key[..Math.Min(8, key.Length)],
        Hash = Hash(key), CreatedAt = now, CreatedBy = createdBy,
    };

    public static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
