using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Sessions;

/// <summary>
/// Agents' sessions as a bank would keep them: Data Protection keys in the database (a restart or a second instance
/// reads the same cookies), a session row behind every cookie, cookies HttpOnly, SameSite=Lax and Secure over HTTPS.
/// </summary>
public static class SessionsSetup
{
    /// <summary>Fixed, so that every instance (and every deployment path) shares the same key ring purposes.</summary>
    public const string ApplicationName = "Paraphe";

    public static WebApplicationBuilder AddSessions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LoginOptions>().BindConfiguration(LoginOptions.Section);
        services.AddDataProtection().SetApplicationName(ApplicationName).PersistKeysToDbContext<ParapheDbContext>().UseParapheAlgorithms();

        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<ParapheOptions>, IOptions<LoginOptions>>((o, paraphe, login) =>
            {
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = SecurePolicy(paraphe.Value);
                o.ExpireTimeSpan = login.Value.SessionLifetime;
                o.Events.OnValidatePrincipal = AgentSessions.ValidateAsync;
            });
        services.AddOptions<AntiforgeryOptions>().Configure<IOptions<ParapheOptions>>((o, paraphe) =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Antiforgery refuses to issue a token over HTTP when its cookie must be Secure: follow the request.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return builder;
    }

    /// <summary>
    /// Issue 12 (page7): keys created from now on protect with AES-256-GCM (Data Protection's own AES-GCM encryptor, in
    /// .NET 10 on every platform) instead of the default AES-256-CBC + HMACSHA256 — the same key derivation per payload,
    /// an authenticated cipher in one pass: a protect or unprotect (antiforgery's cookie and token, agents' session
    /// cookies) costs about half the CPU (docs/PERFORMANCE.md). A key keeps the algorithms it was created with (they are
    /// written in its XML), so every cookie and token protected before still unprotects, and an existing key ring moves
    /// to GCM at its next key (a key lives 90 days).
    /// </summary>
    public static IDataProtectionBuilder UseParapheAlgorithms(this IDataProtectionBuilder dataProtection) =>
        dataProtection.UseCryptographicAlgorithms(new AuthenticatedEncryptorConfiguration
        {
            EncryptionAlgorithm = EncryptionAlgorithm.AES_256_GCM,
            ValidationAlgorithm = ValidationAlgorithm.HMACSHA256, // not used by GCM (its tag authenticates); the default, named
        });

    /// <summary>Always Secure when Paraphe is published over HTTPS; otherwise Secure when the request is.</summary>
    public static CookieSecurePolicy SecurePolicy(ParapheOptions o) =>
        o.PublicBaseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
}
