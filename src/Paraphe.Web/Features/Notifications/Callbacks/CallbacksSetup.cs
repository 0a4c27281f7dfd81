using Microsoft.Extensions.Options;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Notifications.Callbacks;

/// <summary>
/// Where providers report delivery: `/callbacks/{channel}/{provider}` (e.g. `/callbacks/sms/twilio`). No session and no
/// API key: each provider's endpoint authenticates the request the way that provider documents (a signature, a
/// secret), then hands the event to <see cref="DeliveryReports"/>.
/// </summary>
public static class CallbacksSetup
{
    public static RouteGroupBuilder MapCallbacks(this IEndpointRouteBuilder app) =>
        app.MapGroup("/callbacks").AllowAnonymous().DisableAntiforgery().WithTags("Provider callbacks");
}

/// <summary>The public URL of a provider's callback endpoint, from `Paraphe:PublicBaseUrl`.</summary>
public sealed class CallbackUrls(IOptions<ParapheOptions> options)
{
    private readonly string _base = options.Value.PublicBaseUrl.TrimEnd('/');

    /// <param name="notificationId">echoed back by providers that call a per-message URL, so events match even before the send answer is recorded.</param>
    public string For(string channel, string provider, string? notificationId = null) =>
        $"{_base}/callbacks/{channel}/{provider}" + (notificationId is null ? "" : $"?n={Uri.EscapeDataString(notificationId)}");
}
