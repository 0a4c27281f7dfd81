using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Paraphe.Web.Features.Notifications;

/// <summary>A provider's HTTP answer, read whole (they are small JSON documents).</summary>
public sealed record ProviderAnswer(HttpStatusCode Status, string Body)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;
}

/// <summary>
/// The one way the three provider integrations (Twilio, Brevo SMS, Brevo email) call out: a named client set up by
/// <see cref="ProviderClients"/> (timeout, circuit breaker, no redirects), and one classification of what is not an
/// answer — a timeout, an open breaker, an unreachable API — as a temporary failure (retried, or sent by the
/// fallback provider). What an answer means (a refused number, a bad key) stays with each provider's adapter.
/// </summary>
public static partial class ProviderCall
{
    public static async Task<ProviderAnswer> SendAsync(HttpClient client, HttpRequestMessage request, string provider,
        TimeSpan timeout, ILogger log, CancellationToken ct)
    {
        try
        {
            using var response = await client.SendAsync(request, ct);
            return new ProviderAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }
        catch (TimeoutRejectedException e)
        {
            LogUnreachable(log, provider, request.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "", "timeout");
            throw new SendFailedException($"{provider} n'a pas répondu en {timeout.TotalSeconds:0} s (pas de réponse).", permanent: false, e);
        }
        catch (BrokenCircuitException e)
        {
            LogBreakerOpen(log, provider);
            throw new SendFailedException($"{provider} en panne (trop d'échecs récents) : appel suspendu un moment.", permanent: false, e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            LogUnreachable(log, provider, request.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "", "cancelled");
            throw new SendFailedException($"{provider} n'a pas répondu en {timeout.TotalSeconds:0} s (pas de réponse).", permanent: false, e);
        }
        catch (HttpRequestException e)
        {
            LogUnreachable(log, provider, request.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "", e.Message);
            throw new SendFailedException($"{provider} injoignable : {e.Message}", permanent: false, e);
        }
    }

    /// <summary>
    /// An SMS API's answer: the message id read from its JSON on success; a refusal as the adapter classifies it; an
    /// unreadable answer or one without an id as a temporary failure.
    /// </summary>
    public static string MessageId(ProviderAnswer answer, string provider, Func<JsonElement, string?> messageId,
        Func<HttpStatusCode, string, SendFailedException> refused)
    {
        if (!answer.IsSuccess) throw refused(answer.Status, answer.Body);
        try
        {
            using var json = JsonDocument.Parse(answer.Body);
            var id = messageId(json.RootElement);
            if (string.IsNullOrEmpty(id)) throw new SendFailedException($"{provider} : réponse sans identifiant de message.", permanent: false);
            return id;
        }
        catch (JsonException e)
        {
            throw new SendFailedException($"{provider} : réponse illisible.", permanent: false, e);
        }
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "{Provider} at {BaseUrl} unreachable: {Error}")]
    private static partial void LogUnreachable(ILogger log, string provider, string baseUrl, string error);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "{Provider} not called: its circuit breaker is open after repeated failures")]
    private static partial void LogBreakerOpen(ILogger log, string provider);
}
