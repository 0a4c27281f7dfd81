using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Features.Notifications.Email.Brevo;

/// <summary>
/// Email through Brevo's transactional API, as documented at https://developers.brevo.com/docs/send-a-transactional-email
/// and https://developers.brevo.com/reference/sendtransacemail: `POST {BaseUrl}/v3/smtp/email` with the `api-key` header
/// and `{sender {name, email}, to [{email}], subject, htmlContent, textContent, headers, tags}`; `201 {messageId}`.
/// <para>
/// The notification id travels in `X-Mailin-custom`, the one header Brevo echoes back in every transactional webhook
/// (https://developers.brevo.com/docs/transactional-webhooks), so events match even before the send answer is stored;
/// `X-Paraphe-Notification` carries it too for whoever reads the received message, as over SMTP.
/// </para>
/// <para>
/// Answers: 400 on the recipient (`invalid_parameter` / `missing_parameter` about `to` or the email) → permanent
/// <see cref="DeliveryFailure.InvalidAddress"/>, never retried. Everything else is temporary and retried for
/// `Paraphe:Outbox:RetryFor` — 429 and 5xx, timeouts and connection errors, but also 401/403 and other 400s: a
/// revoked key or an unverified sender is an outage on our side (the diagnosis says `provider_outage`), and the
/// message must still leave once the configuration is fixed. Brevo has no idempotency key on this endpoint: a
/// timeout after Brevo accepted the message can send it twice; one duplicate beats one lost invitation.
/// </para>
/// </summary>
internal sealed partial class BrevoEmailSender(
    IHttpClientFactory http, IOptionsMonitor<BrevoEmailOptions> brevo, IOptionsMonitor<ChannelOptions> channels,
    ILogger<BrevoEmailSender> log) : IMessageSender
{
    public const string ProviderName = "brevo";
    public const string HttpClientName = "brevo-email";
    /// <summary>Echoed by Brevo in its webhooks as the `X-Mailin-custom` member.</summary>
    public const string CustomHeader = "X-Mailin-custom";
    public const string NotificationHeader = "X-Paraphe-Notification";

    public string Name => ProviderName;
    public Channel Channel => Channel.Email;

    public async Task<SendReceipt> SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        var o = brevo.CurrentValue;
        var from = channels.Get("Email").From;
        // Our own address is our problem, never the client's: an outage, retried until the setting is fixed.
        if (!StrictAddress.IsValid(from))
            throw new SendFailedException($"Paraphe:Email:From « {from} » n'est pas une adresse valable : message retenu jusqu'à la correction de la configuration.", permanent: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{o.BaseUrl.TrimEnd('/')}/v3/smtp/email")
        {
            Content = JsonContent.Create(Body(message, from), options: Json),
        };
        request.Headers.Add("api-key", o.ApiKey);
        request.Headers.Accept.ParseAdd("application/json");

        var answer = await ProviderCall.SendAsync(http.CreateClient(HttpClientName), request, "Brevo", o.Timeout, log, ct);
        if (answer.IsSuccess) return new SendReceipt(ProviderName, MessageId(answer.Body));
        throw Refused(message.NotificationId, answer.Status, answer.Body);
    }

    /// <summary>The request body, in Brevo's field names.</summary>
    internal static SendSmtpEmail Body(OutgoingMessage message, string from) => new(
        new Party(message.FromName, from), [new Party(null, message.To)], message.Subject ?? "", message.Html, message.Text,
        new Dictionary<string, string>
        {
            [CustomHeader] = message.NotificationId, [NotificationHeader] = message.NotificationId,
        },
        ["paraphe"],
        message.Attachments is { Count: > 0 } files
            ? files.Select(a => new BrevoAttachment(Convert.ToBase64String(a.Content), a.FileName)).ToArray()
            : null);

    private static string? MessageId(string json)
    {
        try
        {
            var answer = JsonSerializer.Deserialize<CreatedSmtpEmail>(json, Json);
            return answer?.MessageId ?? answer?.MessageIds?.FirstOrDefault();
        }
        catch (JsonException)
        {
            return null; // accepted all the same; events still match by X-Mailin-custom
        }
    }

    private SendFailedException Refused(string notificationId, HttpStatusCode status, string body)
    {
        var error = ErrorOf(body);
        var code = (int)status;
        var text = $"Brevo {code}{(error?.Code is { } c ? $" {c}" : "")} : {Shorten(error?.Message ?? body)}".TrimEnd(' ', ':');
        LogRefused(notificationId, code, error?.Code ?? "", Shorten(error?.Message ?? body));
        if (status == HttpStatusCode.BadRequest && IsAboutRecipient(error))
            return new SendFailedException(text, permanent: true, kind: DeliveryFailure.InvalidAddress);
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) LogKeyRefused(code);
        return new SendFailedException(text, permanent: false);
    }

    /// <summary>A 400 about the recipient (`email is not valid in to`), not about the sender or our request.</summary>
    private static bool IsAboutRecipient(BrevoError? error)
    {
        if (error?.Message is not { } m || error.Code is not ("invalid_parameter" or "missing_parameter")) return false;
        if (m.Contains("sender", StringComparison.OrdinalIgnoreCase)) return false;
        return m.Contains("email", StringComparison.OrdinalIgnoreCase) || m.Contains(" to", StringComparison.OrdinalIgnoreCase)
               || m.StartsWith("to ", StringComparison.OrdinalIgnoreCase);
    }

    private static BrevoError? ErrorOf(string body)
    {
        try { return JsonSerializer.Deserialize<BrevoError>(body, Json); }
        catch (JsonException) { return null; }
    }

    private static string Shorten(string s) => s.Length <= 300 ? s.Trim() : s[..300].Trim() + "…";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    internal sealed record Party(string? Name, string Email);

    internal sealed record SendSmtpEmail(Party Sender, Party[] To, string Subject, string? HtmlContent, string TextContent,
        Dictionary<string, string> Headers, string[] Tags, BrevoAttachment[]? Attachment = null);

    /// <summary>`attachment: [{content (base64), name}]`.</summary>
    internal sealed record BrevoAttachment(string Content, string Name);

    private sealed record CreatedSmtpEmail(string? MessageId, string[]? MessageIds);

    private sealed record BrevoError(string? Code, string? Message);

    [LoggerMessage(EventId = 2231, Level = LogLevel.Warning, Message = "Brevo refused notification {NotificationId}: {Status} {Code} {Error}")]
    private partial void LogRefused(string notificationId, int status, string code, string error);

    [LoggerMessage(EventId = 2232, Level = LogLevel.Error, Message = "Brevo refused our API key ({Status}): check Paraphe:Email:Brevo:ApiKey; messages are retried meanwhile")]
    private partial void LogKeyRefused(int status);
}
