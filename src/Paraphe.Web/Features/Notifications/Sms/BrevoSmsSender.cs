using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications.Callbacks;

namespace Paraphe.Web.Features.Notifications.Sms;

/// <summary>
/// SMS through Brevo's transactional SMS API: `POST /v3/transactionalSMS/send` (the `/sms` form is deprecated since
/// May 2025) with the `api-key` header and `{sender, recipient, content, type, tag, webUrl}`. The recipient is the
/// international number without '+'. `webUrl` is this message's callback URL, carrying the webhook secret as its
/// basic-auth password. The answer's `messageId` is the provider message id.
/// </summary>
internal sealed partial class BrevoSmsSender(IHttpClientFactory http, IOptionsMonitor<BrevoSmsOptions> options, CallbackUrls callbacks,
    ILogger<BrevoSmsSender> log) : IMessageSender
{
    public const string ProviderName = "brevo";
    public const string HttpClientName = "brevo-sms";
    public const string WebhookUser = "paraphe";

    public string Name => ProviderName;
    public Channel Channel => Channel.Sms;

    public async Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        var o = options.CurrentValue;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{o.BaseUrl.TrimEnd('/')}/v3/transactionalSMS/send")
        {
            Content = JsonContent.Create(new Dictionary<string, object>
            {
                ["sender"] = SmsSenderName.Pick(message.SmsSender, o.Sender),
                ["recipient"] = message.To.TrimStart('+'),
                ["content"] = message.Text,
                ["type"] = "transactional",
                ["tag"] = "paraphe",
                ["unicodeEnabled"] = true,
                ["webUrl"] = WebUrl(callbacks.For("sms", ProviderName, message.NotificationId), o.WebhookSecret),
            }),
        };
        request.Headers.Add("api-key", o.ApiKey);
        request.Headers.Accept.ParseAdd("application/json");

        var answer = await ProviderCall.SendAsync(http.CreateClient(HttpClientName), request, "Brevo", o.Timeout, log, ct);
        var id = ProviderCall.MessageId(answer, "Brevo", json => json.TryGetProperty("messageId", out var m)
                ? m.ValueKind == JsonValueKind.Number ? m.GetRawText() : m.GetString()
                : null, Refused);
        return new SendReceipt(ProviderName, id);
    }

    /// <summary>The callback URL with the secret as its basic-auth password (Brevo's documented `https://user:password@host/` form).</summary>
    internal static string WebUrl(string callbackUrl, string secret)
    {
        if (string.IsNullOrEmpty(secret)) return callbackUrl;
        return new UriBuilder(callbackUrl) { UserName = WebhookUser, Password = Uri.EscapeDataString(secret) }.Uri.AbsoluteUri;
    }

    /// <summary>
    /// Brevo's error body is `{code, message}`. 400 on the number is permanent (the number is wrong). 401/403 (key),
    /// 402 (no SMS credits left) and 429/5xx are our side or theirs, not the client's: temporary, so the message is
    /// retried or sent by the fallback provider.
    /// </summary>
    internal static SendFailedException Refused(HttpStatusCode status, string body)
    {
        string? code = null, text = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("code", out var c)) code = c.ToString();
            if (json.RootElement.TryGetProperty("message", out var m)) text = m.GetString();
        }
        catch (JsonException)
        {
            // not Brevo's JSON: the HTTP status decides
        }
        var http = (int)status;
        var detail = $"Brevo {http}{(code is null ? "" : $" {code}")} : {text ?? status.ToString()}";
        if (http == 402) return new SendFailedException($"Crédits SMS Brevo épuisés ({detail})", permanent: false);
        if (http is 401 or 403 or 408 or 429 || http >= 500) return new SendFailedException(detail, permanent: false);
        var aboutNumber = text is not null && (text.Contains("recipient", StringComparison.OrdinalIgnoreCase)
                                               || text.Contains("number", StringComparison.OrdinalIgnoreCase)
                                               || text.Contains("mobile", StringComparison.OrdinalIgnoreCase));
        return aboutNumber
            ? new SendFailedException($"Numéro refusé par Brevo ({detail})", permanent: true, kind: DeliveryFailure.InvalidAddress)
            : new SendFailedException(detail, permanent: true);
    }

}
