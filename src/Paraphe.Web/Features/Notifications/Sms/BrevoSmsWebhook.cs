using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications.Callbacks;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Notifications.Sms;

/// <summary>
/// `POST /callbacks/sms/brevo?n=&lt;notification id&gt;`: Brevo's transactional SMS events (JSON: `msg_status`,
/// `messageId`, `to`, `ts_event`, `reason`…). Brevo does not sign its webhooks; it authenticates them the two ways its
/// documentation offers: username/password in the URL (sent as HTTP Basic, the password must be
/// `Paraphe:Sms:Brevo:WebhookSecret`) or a bearer token (the same secret). Anything else: 403, nothing recorded.
/// </summary>
public static partial class BrevoSmsWebhook
{
    public const string InvalidCredentials = "invalid_webhook_credentials";

    public static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(HttpContext http, ParapheDbContext db,
        IOptionsMonitor<BrevoSmsOptions> brevo, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(BrevoSmsWebhook));
        if (!IsAuthenticated(http.Request.Headers.Authorization.ToString(), brevo.CurrentValue.WebhookSecret))
        {
            LogRefused(log, http.Connection.RemoteIpAddress?.ToString());
            return Problems.Of(InvalidCredentials, "Identifiants du webhook Brevo absents ou invalides.", status: StatusCodes.Status403Forbidden);
        }
        if (await CallbackBody.ReadAsync(http.Request, CallbackBody.BrevoLimit, ct) is not { } body)
            return CallbackBody.TooLarge(CallbackBody.BrevoLimit);
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return Problems.Of(Problems.MalformedRequest, "Le corps de l'événement Brevo n'est pas du JSON.");
        }
        using (json)
        {
            var e = json.RootElement;
            var status = Str(e, "msg_status") ?? Str(e, "event") ?? "";
            var messageId = Str(e, "messageId");
            var at = e.ValueKind == JsonValueKind.Object && e.TryGetProperty("ts_event", out var ts)
                     && ts.ValueKind == JsonValueKind.Number && ts.TryGetInt64(out var seconds)
                ? CallbackBody.FromUnix(seconds, milliseconds: false) : default;
            var report = Map(status, Str(e, "reason") ?? Str(e, "description") ?? Str(e, "error"), at);
            if (report is null) return TypedResults.NoContent();
            var notificationId = http.Request.Query["n"].ToString();
            var outcome = await DeliveryReports.RecordAsync(db,
                new MessageRef(BrevoSmsSender.ProviderName, string.IsNullOrEmpty(notificationId) ? null : notificationId, messageId, Channel.Sms), report, ct);
            if (outcome == ReportOutcome.Unmatched) LogUnmatched(log, messageId, notificationId);
            return TypedResults.NoContent();
        }
    }

    /// <summary>HTTP Basic with the secret as password (any user name), or `Bearer &lt;secret&gt;`; constant time.</summary>
    public static bool IsAuthenticated(string authorization, string secret) =>
        CallbackSecrets.BearerOrBasicMatches(authorization, secret, passwordIsUrlEscaped: true);

    /// <summary>Brevo's SMS event as a delivery report; null for events that change nothing (accepted, replied…).</summary>
    public static DeliveryReport? Map(string status, string? reason, DateTime at)
    {
        var words = string.IsNullOrWhiteSpace(reason) ? "" : $" : {reason.Trim()}";
        return status.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant() switch
        {
            "sent" => Report(DeliveryStatus.Sent, at, "Brevo : transmis à l'opérateur"),
            "delivered" => Report(DeliveryStatus.Delivered, at, "Brevo : remis au téléphone"),
            "softbounce" or "softbounced" => Report(DeliveryStatus.Deferred, at, $"Brevo : échec temporaire, l'opérateur réessaie{words}"),
            "hardbounce" or "hardbounced" => Report(DeliveryStatus.Failed, at, $"Brevo : numéro non joignable définitivement{words}",
                reason is not null && (reason.Contains("invalid", StringComparison.OrdinalIgnoreCase) || reason.Contains("format", StringComparison.OrdinalIgnoreCase))
                    ? DeliveryFailure.InvalidAddress : DeliveryFailure.SmsUnknownNumber),
            "rejected" or "blocked" or "blacklisted" => Report(DeliveryStatus.Failed, at, $"Brevo : message refusé ou filtré{words}", DeliveryFailure.SmsFiltered),
            "unsubscribe" or "unsubscribed" or "skip" => Report(DeliveryStatus.Failed, at, $"Brevo : non envoyé, le destinataire a refusé les SMS{words}", DeliveryFailure.Other),
            _ => null, // accepted, replied, subscribe: nothing about delivery
        };
    }

    private static DeliveryReport Report(DeliveryStatus status, DateTime at, string detail, DeliveryFailure kind = DeliveryFailure.None) =>
        new(status, at, detail, kind, BrevoSmsSender.ProviderName);

    private static string? Str(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
        ? CallbackBody.Text(v) : null;

    [LoggerMessage(EventId = 2120, Level = LogLevel.Warning, Message = "Brevo SMS webhook refused: bad or missing credentials (from {RemoteIp})")]
    private static partial void LogRefused(ILogger log, string? remoteIp);

    [LoggerMessage(EventId = 2121, Level = LogLevel.Warning, Message = "Brevo SMS event for unknown message {MessageId} (notification {NotificationId}) ignored")]
    private static partial void LogUnmatched(ILogger log, string? messageId, string notificationId);
}
