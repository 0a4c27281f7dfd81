using Microsoft.Net.Http.Headers;

namespace Paraphe.Web.Platform.Http;

/// <summary>
/// The headers every answer carries, pages, API, files and errors alike, set just before the answer starts (so an
/// error page written by the exception handler gets them too):
/// <list type="bullet">
/// <item>a Content-Security-Policy: pages load scripts, styles, fonts and workers from Paraphe only (no inline script,
/// no inline style, no eval), images also as `data:` (signature drawings); anything else (JSON, files) may load
/// nothing; nothing may frame Paraphe (`frame-ancestors 'none'`, and `X-Frame-Options` for old browsers). A policy
/// already set by the endpoint (the signing page, a served document) is kept;</item>
/// <item>`X-Content-Type-Options: nosniff`;</item>
/// <item>`Referrer-Policy: no-referrer` where the URL carries a secret (signing links, download links and their API),
/// `same-origin` elsewhere;</item>
/// <item>no `Server` header (Kestrel's is switched off in <see cref="ReverseProxy"/>; this removes any other).</item>
/// </list>
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string PagePolicy = "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; " +
                                     "font-src 'self'; worker-src 'self'; connect-src 'self'; object-src 'none'; " +
                                     "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    public const string ResourcePolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>Paths whose URL holds a signing token or a download key.</summary>
    private static readonly string[] TokenPaths = ["/sign", "/telechargement", "/api/v1/signing"];

    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(static state => { Apply((HttpContext)state); return Task.CompletedTask; }, http);
        return next(http);
    }

    private static void Apply(HttpContext http)
    {
        var h = http.Response.Headers;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h.Remove(HeaderNames.Server);
        if (!h.ContainsKey("Referrer-Policy"))
            h["Referrer-Policy"] = CarriesToken(http.Request.Path) ? "no-referrer" : "same-origin";
        if (h.ContentSecurityPolicy.Count == 0)
        {
            var type = http.Response.ContentType ?? "";
            if (type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase)) h.ContentSecurityPolicy = PagePolicy;
            // A PDF opened in the browser is shown by its PDF viewer, which a `default-src 'none'` may break; how documents
            // are served is decided where they are served.
            else if (type.StartsWith("application/pdf", StringComparison.OrdinalIgnoreCase)) h.ContentSecurityPolicy = "frame-ancestors 'none'";
            // A worker script (pdf.js) runs under the policy of its own answer: left to the page's.
            else if (type.Contains("javascript", StringComparison.OrdinalIgnoreCase)) return;
            else h.ContentSecurityPolicy = ResourcePolicy;
        }
    }

    private static bool CarriesToken(PathString path) =>
        TokenPaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
}
