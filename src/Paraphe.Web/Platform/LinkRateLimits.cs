using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Paraphe.Web.Platform;

/// <summary>`Paraphe:LinkRateLimits`: how many requests one personal link takes a minute, whoever sends them.</summary>
public sealed class LinkRateLimitOptions
{
    public const string Section = "Paraphe:LinkRateLimits";

    /// <summary>Requests a minute on one signing link: `/sign/{token}` and `/api/v1/signing/{token}/…` together.</summary>
    public int SigningPerMinute { get; set; } = 30;

    /// <summary>Requests a minute on one download link (`/telechargement/{notificationId}/…`).</summary>
    public int DownloadsPerMinute { get; set; } = 10;

    /// <summary>
    /// Requests a minute one client (an IPv4 address, an IPv6 /64) may send to personal links of any kind, whichever
    /// links they are: guessing at random tokens would otherwise cost a database lookup and a fresh per-link limiter each.
    /// </summary>
    public int PerClientPerMinute { get; set; } = 120;
}

/// <summary>
/// Per-link rate limits on the anonymous routes reached with a personal link. A link is a capability: whoever holds it
/// (or guesses at it) can repeat what it allows, so each link — not each client address, which an attacker changes at
/// will — gets a budget a minute: the signing link's token (by its SHA-256, as stored) and the download link's
/// notification id. Beyond it: 429 `rate_limited` with `Retry-After`, problem+json on the API and the French error page
/// for people. Other links are unaffected. The counts are kept in the database (<see cref="SharedRateLimits"/>), so
/// the budgets hold across every instance behind a load balancer.
/// </summary>
public static class LinkRateLimits
{
    public const string SigningPolicy = "signing-link";
    public const string DownloadPolicy = "download-link";

    public static WebApplicationBuilder AddLinkRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LinkRateLimitOptions>().BindConfiguration(LinkRateLimitOptions.Section)
            .Validate(o => o.SigningPerMinute > 0 && o.DownloadsPerMinute > 0 && o.PerClientPerMinute > 0,
                "Paraphe:LinkRateLimits:SigningPerMinute, DownloadsPerMinute and PerClientPerMinute must be positive.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<SharedRateLimits>();
        builder.Services.AddRateLimiter(o =>
        {
            o.AddPolicy(SigningPolicy, http => PerLink(http, "token", "signing", l => l.SigningPerMinute));
            o.AddPolicy(DownloadPolicy, http => PerLink(http, "notificationId", "download", l => l.DownloadsPerMinute));
            // Before the per-link policies: one client's requests to links, whichever links (an unknown address has
            // no client to count: the per-link limits still hold).
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                PolicyOf(http) is SigningPolicy or DownloadPolicy && Http.ClientPartition.Known(http) is { } client
                    ? SharedRateLimits.Partition(http, "links-client:" + client,
                        http.RequestServices.GetRequiredService<IOptions<LinkRateLimitOptions>>().Value.PerClientPerMinute, TimeSpan.FromMinutes(1))
                    : RateLimitPartition.GetNoLimiter("none"));
        });
        // After every other feature's setup: answer for these two policies, leave the others' refusals to them.
        builder.Services.PostConfigure<RateLimiterOptions>(o =>
        {
            var others = o.OnRejected;
            o.OnRejected = (context, ct) => PolicyOf(context.HttpContext) is SigningPolicy or DownloadPolicy
                ? RejectAsync(context)
                : others?.Invoke(context, ct) ?? ValueTask.CompletedTask;
        });
        return builder;
    }

    private static RateLimitPartition<string> PerLink(HttpContext http, string routeValue, string kind,
        Func<LinkRateLimitOptions, int> permits)
    {
        var link = http.Request.RouteValues[routeValue] as string ?? "";
        var key = kind + ":" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(link)));
        var limit = permits(http.RequestServices.GetRequiredService<IOptions<LinkRateLimitOptions>>().Value);
        return SharedRateLimits.Partition(http, key, limit, TimeSpan.FromMinutes(1));
    }

    private static string? PolicyOf(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;

    private static ValueTask RejectAsync(OnRejectedContext context)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry)
            ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds))
            : 60;
        return RateLimitAnswer.WriteAsync(context.HttpContext, seconds,
            $"Trop de demandes sur ce lien : réessayez dans {seconds} seconde{(seconds > 1 ? "s" : "")}.");
    }
}
