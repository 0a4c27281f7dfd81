using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;
using Paraphe.Data.Records;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>
/// One attempt: POST the stored payload with the three Standard Webhooks headers through the guarded client (no
/// redirects, <see cref="WebhookAddressGuard"/>), under <see cref="WebhookOptions.Timeout"/>. A 2xx in time is a success;
/// any other answer, a redirect, a refused address, a connection error or a timeout is a failure to retry.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, IOptionsMonitor<WebhookOptions> options, TimeProvider clock)
{
    public const string ClientName = "webhooks";

    public sealed record Outcome(bool Success, int? StatusCode, int DurationMs, string? Error);

    public async Task<Outcome> SendAsync(WebhookEndpoint endpoint, WebhookDelivery delivery, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var timestamp = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(delivery.Payload, new UTF8Encoding(false), "application/json"),
        };
        request.Headers.TryAddWithoutValidation("webhook-id", delivery.EventId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature",
            WebhookSecrets.SignatureHeader(endpoint, delivery.EventId, timestamp, delivery.Payload, now.UtcDateTime));
        var timeout = options.CurrentValue.Timeout;
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        int Elapsed() => (int)Math.Min(int.MaxValue, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, budget.Token);
            var code = (int)response.StatusCode;
            return code is >= 200 and < 300
                ? new Outcome(true, code, Elapsed(), null)
                : new Outcome(false, code, Elapsed(), code is >= 300 and < 400 ? "Redirection non suivie." : $"Réponse HTTP {code}.");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Outcome(false, null, Elapsed(), $"Pas de réponse en {timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException e)
        {
            var refused = e as WebhookAddressRefusedException ?? e.InnerException as WebhookAddressRefusedException;
            return new Outcome(false, null, Elapsed(), Cut(refused?.Message ?? $"Connexion impossible : {e.Message}"));
        }
    }

    private static string Cut(string s) => s.Length <= 500 ? s : s[..500];
}
