using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications.Callbacks;

namespace Paraphe.Web.Features.Notifications.Sms;

/// <summary>
/// SMS through Twilio's Messages API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded, HTTP Basic
/// (AccountSid:AuthToken). Each message names its own `StatusCallback` (with the notification id), so its delivery
/// events match even before this answer is saved. The answer's `sid` is the provider message id.
/// </summary>
internal sealed partial class TwilioSender(IHttpClientFactory http, IOptionsMonitor<TwilioOptions> options, CallbackUrls callbacks,
    ILogger<TwilioSender> log) : IMessageSender
{
    public const string ProviderName = "twilio";
    public const string HttpClientName = "twilio";

    public string Name => ProviderName;
    public Channel Channel => Channel.Sms;

    public async Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        var o = options.CurrentValue;
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"{o.BaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(o.AccountSid)}/Messages.json")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["To"] = message.To,
                ["From"] = SmsSenderName.Pick(message.SmsSender, o.From),
                ["Body"] = message.Text,
                ["StatusCallback"] = callbacks.For("sms", ProviderName, message.NotificationId),
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.AccountSid}:{o.AuthToken}")));

        var answer = await ProviderCall.SendAsync(http.CreateClient(HttpClientName), request, "Twilio", o.Timeout, log, ct);
        var id = ProviderCall.MessageId(answer, "Twilio", json => json.TryGetProperty("sid", out var s) ? s.GetString() : null, Refused);
        return new SendReceipt(ProviderName, id);
    }

    /// <summary>
    /// Twilio's error body is `{code, message, more_info, status}`. A refused recipient is permanent; our side (auth,
    /// rate limit, Twilio down) is temporary, so the message is retried or sent by the fallback provider.
    /// </summary>
    internal static SendFailedException Refused(HttpStatusCode status, string body)
    {
        int? code = null;
        string? text = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number) code = c.GetInt32();
            if (json.RootElement.TryGetProperty("message", out var m)) text = m.GetString();
        }
        catch (JsonException)
        {
            // not Twilio's JSON (a proxy's error page): the HTTP status decides
        }
        var http = (int)status;
        var detail = $"Twilio {http}{(code is null ? "" : $" {code}")} : {text ?? status.ToString()}";
        return code switch
        {
            21211 => new SendFailedException($"Numéro refusé par Twilio ({detail})", permanent: true, kind: DeliveryFailure.InvalidAddress),
            21614 => new SendFailedException($"Numéro fixe, pas de SMS possible ({detail})", permanent: true, kind: DeliveryFailure.SmsLandline),
            21610 => new SendFailedException($"Le destinataire a refusé les SMS de cet expéditeur (STOP) ({detail})", permanent: true),
            _ when http is 401 or 403 or 408 or 429 || http >= 500 => new SendFailedException(detail, permanent: false),
            _ => new SendFailedException(detail, permanent: true),
        };
    }

}
