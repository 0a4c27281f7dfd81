using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Options;

namespace Paraphe.Web.Pages.Shared;

/// <summary>
/// Issue 12 (page4): what the <c>asp-append-version</c>, <c>~/</c>, form and form-action tag helpers write, written
/// directly by the hot pages (the signing page) — the same URLs and the same antiforgery field, without a tag helper's
/// execution context, attribute lists and buffered output for each element on every render.
/// </summary>
public static class PlainMarkup
{
    /// <summary>
    /// A file of wwwroot with its version, as <c>href="~/css/x.css" asp-append-version="true"</c> writes it
    /// (<see cref="IFileVersionProvider"/>: the file's SHA-256, cached and watched by the provider).
    /// </summary>
    public static string Asset(HttpContext http, string path)
    {
        var pathBase = http.Request.PathBase;
        return http.RequestServices.GetRequiredService<IFileVersionProvider>().AddFileVersionToPath(pathBase, pathBase.Add(path).Value!);
    }

    /// <summary>A wwwroot file without a version, as <c>~/</c> resolves it.</summary>
    public static string Content(HttpContext http, string path) => http.Request.PathBase.Add(path).Value!;

    /// <summary>The signing page's handler URL, as <c>asp-page-handler</c> writes it for <c>/sign/{token}</c>.</summary>
    public static string SignHandler(HttpContext http, string token, string handler) =>
        http.Request.PathBase.Add("/sign/" + Uri.EscapeDataString(token)).Value + "?handler=" + handler;

    /// <summary>
    /// The antiforgery field's name and value that a post form's tag helper adds: one token per request, the same for
    /// every form of the page (as the tag helper's, which antiforgery caches per request), kept per antiforgery cookie
    /// (<see cref="Sign.SignerFormTokens"/>, issue 12 page7). A render of the signing page that is kept
    /// (<see cref="Sign.RenderedSigningPages"/>) learns where the token was written.
    /// </summary>
    public static (string FormFieldName, string RequestToken) Antiforgery(HttpContext http)
    {
        var services = http.RequestServices;
        var token = services.GetRequiredService<Sign.SignerFormTokens>().RequestToken(http);
        if (http.Features.Get<Sign.RenderedSigningPages.Capture>() is { } capture) capture.RequestToken = token;
        return (services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.FormFieldName, token);
    }
}
