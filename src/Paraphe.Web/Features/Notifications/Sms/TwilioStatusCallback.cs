using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications.Callbacks;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Notifications.Sms;

/// <summary>
/// `POST /callbacks/sms/twilio?n=&lt;notification id&gt;`: Twilio's status callback, form-encoded (MessageSid,
/// MessageStatus, ErrorCode…). Only a request signed with our auth token over the URL we gave Twilio is heard; the
/// URL is rebuilt from `Paraphe:PublicBaseUrl`, never from the Host header a proxy may have rewritten. Every
/// authenticated callback is answered 204, matched or not, so Twilio does not retry it forever.
/// </summary>
public static partial class TwilioStatusCallback
{
    public const string InvalidSignature = "invalid_signature";

    public static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(HttpContext http, ParapheDbContext db,
        IOptionsMonitor<TwilioOptions> twilio, CallbackUrls urls, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(TwilioStatusCallback));
        // Capped before anything is parsed: the signature is checked over the fields, so they are read first, but never many.
        if (await CallbackBody.ReadAsync(http.Request, CallbackBody.TwilioLimit, ct) is not { } body)
            return CallbackBody.TooLarge(CallbackBody.TwilioLimit);
        if (CallbackBody.Form(http.Request, body) is not { } form)
            return Problems.Of(Problems.MalformedRequest, "Le formulaire de ce rappel Twilio dépasse les limites (champs, longueurs).");
        // Every value of every field, in the order read (the signature sorts them by name, stably).
        var fields = new List<KeyValuePair<string, string>>(form.Count);
        foreach (var (key, values) in form)
            foreach (var v in values) fields.Add(new KeyValuePair<string, string>(key, v ?? ""));
        var url = urls.For("sms", TwilioSender.ProviderName) + http.Request.QueryString.Value;
        if (!TwilioSignature.IsValid(twilio.CurrentValue.AuthToken, url, fields, http.Request.Headers["X-Twilio-Signature"]))
        {
            LogRefused(log, http.Connection.RemoteIpAddress?.ToString());
            return Problems.Of(InvalidSignature, "Signature Twilio absente ou invalide.", status: StatusCodes.Status403Forbidden);
        }

        var sid = form.GetValueOrDefault("MessageSid").ToString();
        var report = Map(form.GetValueOrDefault("MessageStatus").ToString(), form.GetValueOrDefault("ErrorCode").ToString());
        if (report is null) return TypedResults.NoContent();
        var notificationId = http.Request.Query["n"].ToString();
        var outcome = await DeliveryReports.RecordAsync(db,
            new MessageRef(TwilioSender.ProviderName, string.IsNullOrEmpty(notificationId) ? null : notificationId, sid, Channel.Sms), report, ct);
        if (outcome == ReportOutcome.Unmatched) LogUnmatched(log, sid, notificationId);
        return TypedResults.NoContent();
    }

    /// <summary>Twilio's MessageStatus and ErrorCode as a delivery report; null for steps that say nothing new (queued, sending…).</summary>
    public static DeliveryReport? Map(string status, string errorCode) => status.ToLowerInvariant() switch
    {
        "sent" => new DeliveryReport(DeliveryStatus.Sent, default, "Twilio : transmis à l'opérateur", Provider: TwilioSender.ProviderName),
        "delivered" or "read" => new DeliveryReport(DeliveryStatus.Delivered, default, "Twilio : remis au téléphone", Provider: TwilioSender.ProviderName),
        "undelivered" or "failed" or "canceled" => Failure(status.ToLowerInvariant(), errorCode),
        _ => null, // queued, accepted, scheduled, sending: still on its way
    };

    private static DeliveryReport Failure(string status, string errorCode)
    {
        var (kind, text) = errorCode switch
        {
            "30003" => (DeliveryFailure.SmsUnreachable, "Téléphone injoignable (éteint ou hors réseau)"),
            "30005" => (DeliveryFailure.SmsUnknownNumber, "Numéro inconnu de l'opérateur"),
            "30006" => (DeliveryFailure.SmsLandline, "Ligne fixe ou opérateur qui ne reçoit pas de SMS"),
            "30007" => (DeliveryFailure.SmsFiltered, "Message filtré par l'opérateur"),
            "30008" => (DeliveryFailure.Other, "Erreur inconnue de l'opérateur"),
            "30004" => (DeliveryFailure.SmsFiltered, "Message bloqué par le destinataire ou l'opérateur"),
            "" => (DeliveryFailure.Other, status == "canceled" ? "Envoi annulé" : "Non remis"),
            _ => (DeliveryFailure.Other, "Non remis"),
        };
        var detail = string.IsNullOrEmpty(errorCode) ? $"Twilio {status} : {text}" : $"{errorCode} {text}";
        return new DeliveryReport(DeliveryStatus.Failed, default, detail, kind, TwilioSender.ProviderName);
    }

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "Twilio status callback refused: bad or missing signature (from {RemoteIp})")]
    private static partial void LogRefused(ILogger log, string? remoteIp);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "Twilio status callback for unknown message {MessageSid} (notification {NotificationId}) ignored")]
    private static partial void LogUnmatched(ILogger log, string messageSid, string notificationId);
}
