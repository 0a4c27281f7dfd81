using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Paraphe.Web.Pages.Sign;

/// <summary>
/// Issue 12 (page7): the signing page's antiforgery request token, kept per antiforgery cookie. Antiforgery issues, for
/// an anonymous visitor, a request token that is the cookie's security token protected again (no user name, no claim,
/// no additional data in Paraphe): any token it issues for a cookie validates with that cookie and no other. Issuing
/// one costs two Data Protection operations (unprotect the cookie, protect the new token), about a tenth of a kept
/// page's CPU. So the first token antiforgery issues for a cookie — on a first visit, the one issued with the new
/// cookie — is kept, and a later page for a request that carries exactly that cookie is given the same token, with
/// the no-cache headers antiforgery sets. Validation of every POST is untouched. Never kept nor reused: a token for a
/// signed-in user (antiforgery binds it to their identity) or when an additional-data provider is registered. A kept
/// token is written only into an answer to the browser that sent the cookie it was issued for, and Paraphe compresses
/// no answer, so no token is shown to anyone who could not have asked antiforgery for one. The tokens are kept
/// in a <see cref="FormTokenTable"/>: fixed, set-associative, never compacted.
/// </summary>
public sealed class SignerFormTokens
{
    /// <summary>Cookies whose token is kept at most (~1 KB each); a full set of the table drops its least recently used.</summary>
    public const int Capacity = 10_000;

    /// <summary>
    /// How long a kept token lives, used or not: a signer's visit takes minutes; a Data Protection key revoked meanwhile
    /// (antiforgery would then issue a new cookie) is seen by this cookie's holder after this long at most.
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly FormTokenTable _tokens;
    private readonly IAntiforgery _antiforgery;
    private readonly string _cookieName;
    private readonly bool _enabled;
    private long _reused;

    public SignerFormTokens(IAntiforgery antiforgery, IOptions<AntiforgeryOptions> options, TimeProvider time,
        IAntiforgeryAdditionalDataProvider? additionalData = null)
    {
        _tokens = new FormTokenTable(Capacity, Lifetime, time);
        _antiforgery = antiforgery;
        _cookieName = options.Value.Cookie.Name ?? throw new InvalidOperationException("antiforgery's cookie has no name");
        // The framework's default provider adds nothing to a token; anyone else's might add per-request data.
        _enabled = additionalData is null || additionalData.GetType().Assembly == typeof(IAntiforgery).Assembly;
    }

    /// <summary>Tokens given from this cache instead of antiforgery since start (tests, diagnostics).</summary>
    public long Reused => Interlocked.Read(ref _reused);

    /// <summary>Whether a token is kept for this antiforgery cookie value (tests).</summary>
    public bool Holds(string cookie) => _tokens.TryGet(cookie, out _);

    /// <summary>Tokens kept now (tests: the bound holds).</summary>
    public int Count => _tokens.Count();

    /// <summary>
    /// The request token for this request's page, stored as <see cref="IAntiforgery.GetAndStoreTokens"/> stores it: the
    /// kept one when the request carries a cookie whose token is kept, otherwise antiforgery's (then kept).
    /// </summary>
    public string RequestToken(HttpContext http)
    {
        var anonymous = _enabled && !SignedIn(http.User);
        var cookie = anonymous ? http.Request.Cookies[_cookieName] : null;
        if (cookie is { Length: > 0 } && _tokens.TryGet(cookie, out var kept) && kept is not null)
        {
            // What antiforgery does for a cookie it accepts: no new cookie, and an answer that is never cached.
            if (!http.Response.HasStarted)
            {
                http.Response.Headers.CacheControl = "no-cache, no-store";
                http.Response.Headers.Pragma = "no-cache";
            }
            Interlocked.Increment(ref _reused);
            return kept;
        }
        var tokens = _antiforgery.GetAndStoreTokens(http);
        // The cookie the token belongs to: the new one antiforgery set, or else the request's, which it accepted.
        if (anonymous && tokens.RequestToken is { } token && (tokens.CookieToken ?? cookie) is { Length: > 0 } owner)
            _tokens.Set(owner, token);
        return tokens.RequestToken!;
    }

    private static bool SignedIn(ClaimsPrincipal user) => user.Identities.Any(i => i.IsAuthenticated);
}
