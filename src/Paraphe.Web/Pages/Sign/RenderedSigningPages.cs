using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Paraphe.Data;
using Paraphe.Web.Features.Signing;

namespace Paraphe.Web.Pages.Sign;

/// <summary>Marks the signing page: its plain GET may be answered from <see cref="RenderedSigningPages"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RenderedOnceAttribute : Attribute;

/// <summary>
/// Issue 12 (page5): the plain GET of an opened link's signing page answered without MVC. The page itself is still the
/// one template (<c>Index.cshtml</c> and its layout): the first GET after a link's snapshot was taken
/// (<see cref="OpenedLinks"/>) is rendered by Razor as always and its HTML kept, cut where this request's antiforgery
/// token was written. Every later GET of the same snapshot writes those bytes with this request's token (<see cref="SignerFormTokens"/>) — the same answer
/// Razor gives, without the page invoker, the page model, the view buffers and the layout. The kept page is valid
/// exactly as long as its snapshot: it is kept with the snapshot it was rendered from and used only when
/// <see cref="OpenedLinks.TryGetAsync"/> returns that very snapshot (the procedure's version unchanged, the link still
/// open now), the agency's name, the path base and the culture unchanged. Anything else — a first opening, a
/// refused or unknown link, a query string, a HEAD, a read that fails — goes through the page as before.
/// </summary>
public sealed class RenderedSigningPages(SignerFormTokens formTokens) : IDisposable
{
    /// <summary>Bytes of kept pages at most (a page is ~10 KB: about 3,000 links); the least recently used dropped first.</summary>
    public const long CapacityBytes = 32 * 1024 * 1024;

    private const string ContentType = "text/html; charset=utf-8";

    private readonly MemoryCache _pages = new(new MemoryCacheOptions { SizeLimit = CapacityBytes, CompactionPercentage = 0.2 });
    private long _replayed;

    /// <summary>
    /// A page as Razor rendered it from <paramref name="Snapshot"/>, cut at each place its antiforgery token was written
    /// (<paramref name="Parts"/> has one part when the page has no form, and then no token is issued either).
    /// </summary>
    private sealed record Kept(SigningSnapshot Snapshot, string AgencyName, string PathBase, string Culture, byte[][] Parts)
    {
        public bool HasForm => Parts.Length > 1;
    }

    /// <summary>Set on the request whose render is kept: what the page shows, and the token the render wrote.</summary>
    public sealed class Capture(SigningSnapshot snapshot, string agencyName)
    {
        public SigningSnapshot Snapshot { get; } = snapshot;
        public string AgencyName { get; } = agencyName;
        /// <summary>The request token the render wrote (<see cref="Shared.PlainMarkup.Antiforgery"/>); null: no form.</summary>
        public string? RequestToken { get; set; }
    }

    /// <summary>Pages answered from kept bytes since start (tests, diagnostics).</summary>
    public long Replayed => Interlocked.Read(ref _replayed);

    /// <summary>Whether a rendered page of this link is kept (tests).</summary>
    public bool Holds(string token) => _pages.TryGetValue(SigningLinks.Hash(token), out _);

    internal async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (!HttpMethods.IsGet(http.Request.Method) || http.Request.QueryString.HasValue
            || http.GetEndpoint()?.Metadata.GetMetadata<RenderedOnceAttribute>() is null
            || http.GetRouteValue("token") is not string token)
        {
            await next(http);
            return;
        }
        (SigningSnapshot Snapshot, string AgencyName)? hit;
        try
        {
            var db = http.RequestServices.GetRequiredService<ParapheDbContext>();
            hit = await http.RequestServices.GetRequiredService<OpenedLinks>().TryGetAsync(db, token, http.RequestAborted);
        }
        catch (Exception) when (!http.RequestAborted.IsCancellationRequested)
        {
            hit = null; // the page reads again and answers as it always did (a 503 page, …)
        }
        if (hit is not { } open)
        {
            if (_pages.Count > 0) _pages.Remove(SigningLinks.Hash(token)); // a changed or closed link's page is dropped
            await next(http);
            return;
        }
        var key = SigningLinks.Hash(token);
        var pathBase = http.Request.PathBase.Value ?? "";
        var culture = CultureKey();
        if (_pages.TryGetValue(key, out Kept? kept) && kept is not null && ReferenceEquals(kept.Snapshot, open.Snapshot)
            && kept.AgencyName == open.AgencyName && kept.PathBase == pathBase && kept.Culture == culture)
        {
            await ReplayAsync(http, kept);
            return;
        }
        await RenderAndKeepAsync(http, next, key, new Capture(open.Snapshot, open.AgencyName), pathBase, culture);
    }

    /// <summary>The kept page with this request's headers and antiforgery token, as the page sets and writes them.</summary>
    private async Task ReplayAsync(HttpContext http, Kept kept)
    {
        var response = http.Response;
        IndexModel.Protect(response);
        string? requestToken = null;
        if (kept.HasForm)
            requestToken = formTokens.RequestToken(http);
        response.ContentType = ContentType;
        Interlocked.Increment(ref _replayed);
        var body = response.BodyWriter;
        var tokenBytes = requestToken is null ? [] : Encoding.ASCII.GetBytes(requestToken);
        for (var i = 0; i < kept.Parts.Length; i++)
        {
            if (i > 0) body.Write(tokenBytes);
            body.Write(kept.Parts[i]);
        }
        await body.FlushAsync(http.RequestAborted);
    }

    /// <summary>The page rendered by Razor into memory, sent as rendered, and kept when it showed the snapshot.</summary>
    private async Task RenderAndKeepAsync(HttpContext http, RequestDelegate next, string key, Capture capture, string pathBase,
        string culture)
    {
        http.Features.Set(capture);
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = original;
            http.Features.Set<Capture>(null);
        }
        var html = buffer.ToArray();
        if (http.Response.StatusCode == StatusCodes.Status200OK && http.Response.ContentType == ContentType
            && http.Response.Headers.ContentEncoding.Count == 0 && Cut(html, capture.RequestToken) is { } parts)
        {
            _pages.Set(key, new Kept(capture.Snapshot, capture.AgencyName, pathBase, culture, parts),
                new MemoryCacheEntryOptions { Size = html.Length, SlidingExpiration = OpenedLinks.Idle });
        }
        await original.WriteAsync(html, http.RequestAborted);
    }

    /// <summary>
    /// The page cut at each occurrence of its token; null when it cannot be replayed safely (a token with characters HTML
    /// would encode, or a form whose token was not found).
    /// </summary>
    private static byte[][]? Cut(byte[] html, string? requestToken)
    {
        if (requestToken is null) return [html];
        if (requestToken.Length < 16 || !requestToken.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return null;
        var needle = Encoding.ASCII.GetBytes(requestToken);
        var parts = new List<byte[]>();
        var rest = html.AsSpan();
        int at;
        while ((at = rest.IndexOf(needle)) >= 0)
        {
            parts.Add(rest[..at].ToArray());
            rest = rest[(at + needle.Length)..];
        }
        parts.Add(rest.ToArray());
        return parts.Count > 1 ? parts.ToArray() : null;
    }

    private static string CultureKey() => CultureInfo.CurrentCulture.Name + "|" + CultureInfo.CurrentUICulture.Name;

    public void Dispose() => _pages.Dispose();
}

public static class RenderedSigningPagesSetup
{
    /// <summary>After routing, the rate limits and authorization: the signing page's plain GET from kept bytes.</summary>
    public static WebApplication UseRenderedSigningPages(this WebApplication app)
    {
        var pages = app.Services.GetRequiredService<RenderedSigningPages>();
        app.Use((http, next) => pages.InvokeAsync(http, next));
        return app;
    }
}
