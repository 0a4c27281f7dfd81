using System.Net;
using System.Text.Json;

namespace Paraphe.Web.Features.Notifications.Sms;

/// <summary>
/// One send call to an SMS provider's HTTP API under its own timeout (told apart from shutdown): the provider's message
/// id on success; a refusal as the provider's adapter classifies it; a timeout, an unreachable API or an unreadable
/// answer as a temporary failure, retried or sent by the fallback provider.
/// </summary>
internal static partial class SmsProviderCall
{
    public static async Task<string> SendAsync(HttpClient client, HttpRequestMessage request, string provider, string baseUrl,
        TimeSpan timeout, Func<JsonElement, string?> messageId, Func<HttpStatusCode, string, SendFailedException> refused,
        ILogger log, CancellationToken ct)
    {
        using var call = CancellationTokenSource.CreateLinkedTokenSource(ct);
        call.CancelAfter(timeout);
        try
        {
            using var response = await client.SendAsync(request, call.Token);
            var body = await response.Content.ReadAsStringAsync(call.Token);
            if (!response.IsSuccessStatusCode) throw refused(response.StatusCode, body);
            using var json = JsonDocument.Parse(body);
            var id = messageId(json.RootElement);
            if (string.IsNullOrEmpty(id)) throw new SendFailedException($"{provider} : réponse sans identifiant de message.", permanent: false);
            return id;
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            LogUnreachable(log, provider, baseUrl, "timeout");
            throw new SendFailedException($"{provider} n'a pas répondu en {timeout.TotalSeconds:0} s.", permanent: false, e);
        }
        catch (HttpRequestException e)
        {
            LogUnreachable(log, provider, baseUrl, e.Message);
            throw new SendFailedException($"{provider} injoignable : {e.Message}", permanent: false, e);
        }
        catch (JsonException e)
        {
            throw new SendFailedException($"{provider} : réponse illisible.", permanent: false, e);
        }
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "{Provider} at {BaseUrl} unreachable: {Error}")]
    private static partial void LogUnreachable(ILogger log, string provider, string baseUrl, string error);
}
