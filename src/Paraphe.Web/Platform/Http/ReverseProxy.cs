using System.Net;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Paraphe.Web.Platform.Http;

/// <summary>`Paraphe:ForwardedHeaders`: the reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "Paraphe:ForwardedHeaders";

    /// <summary>Addresses of the proxies (`10.0.0.5`, `::1`). None by default: the headers are then ignored.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of the proxies in CIDR form (`10.0.0.0/8`, `fd00::/8`).</summary>
    public string[] KnownNetworks { get; set; } = [];

    public bool Any => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
}

/// <summary>
/// `Paraphe:Https`: HSTS and the redirection of plain HTTP. HSTS defaults to on when `Paraphe:PublicBaseUrl` is
/// https (the header only goes out on HTTPS requests, never for localhost); the redirection is off unless asked for,
/// because behind a proxy that is not declared in `Paraphe:ForwardedHeaders` every request looks like plain HTTP and
/// would be redirected forever.
/// </summary>
public sealed class HttpsSettings
{
    public const string Section = "Paraphe:Https";

    public bool? Hsts { get; set; }
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);
    public bool Redirect { get; set; }
}

/// <summary>
/// Paraphe behind a reverse proxy: the client's address and scheme come from the forwarded headers of declared proxies
/// only, so the audit trail, the evidence page and the per-client rate limits see the signer and not the proxy, and
/// requests that reached the proxy over HTTPS get HSTS and Secure cookies.
/// </summary>
public static class ReverseProxy
{
    public static WebApplicationBuilder AddReverseProxy(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.Section);
        services.AddOptions<HttpsSettings>().BindConfiguration(HttpsSettings.Section);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((o, settings) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // ASP.NET trusts loopback by default; Paraphe trusts nobody it was not told about.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            // A chain of declared proxies (CDN, then load balancer) is walked back to the first address not declared.
            o.ForwardLimit = null;
            foreach (var proxy in settings.Value.KnownProxies)
                if (IPAddress.TryParse(proxy.Trim(), out var address)) o.KnownProxies.Add(address);
            foreach (var network in settings.Value.KnownNetworks)
                if (System.Net.IPNetwork.TryParse(network.Trim(), out var parsed)) o.KnownIPNetworks.Add(parsed);
        });
        services.AddOptions<HstsOptions>().Configure<IOptions<HttpsSettings>>((o, https) =>
        {
            o.MaxAge = https.Value.HstsMaxAge;
            o.IncludeSubDomains = false;
        });
        services.AddOptions<HttpsRedirectionOptions>().Configure<IOptions<ParapheOptions>>((o, paraphe) =>
        {
            if (Uri.TryCreate(paraphe.Value.PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme == "https") o.HttpsPort = uri.Port;
            o.RedirectStatusCode = StatusCodes.Status308PermanentRedirect;
        });
        // Every cookie (session, antiforgery, others') is Secure when the request came over HTTPS, directly or through a
        // declared proxy; over plain HTTP (development) it could not be set otherwise.
        services.Configure<CookiePolicyOptions>(o =>
        {
            o.Secure = CookieSecurePolicy.SameAsRequest;
            o.HttpOnly = HttpOnlyPolicy.None;
        });
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        return builder;
    }

    /// <summary>First in the pipeline: everything after it sees the client's address and scheme.</summary>
    public static WebApplication UseReverseProxy(this WebApplication app)
    {
        app.UseForwardedHeaders();
        var https = app.Services.GetRequiredService<IOptions<HttpsSettings>>().Value;
        var paraphe = app.Services.GetRequiredService<IOptions<ParapheOptions>>().Value;
        if (https.Hsts ?? paraphe.PublicBaseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) app.UseHsts();
        if (https.Redirect) app.UseHttpsRedirection();
        app.UseCookiePolicy();
        return app;
    }
}
