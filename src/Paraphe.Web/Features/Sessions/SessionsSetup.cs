using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
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
        services.AddDataProtection().SetApplicationName(ApplicationName).PersistKeysToDbContext<ParapheDbContext>();

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

    /// <summary>Always Secure when Paraphe is published over HTTPS; otherwise Secure when the request is.</summary>
    public static CookieSecurePolicy SecurePolicy(ParapheOptions o) =>
        o.PublicBaseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
}
