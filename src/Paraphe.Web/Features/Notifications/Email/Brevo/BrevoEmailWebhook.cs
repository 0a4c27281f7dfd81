using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Web.Features.Notifications.Callbacks;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Notifications.Email.Brevo;

/// <summary>
/// `POST /callbacks/email/brevo`: Brevo's transactional email webhook (https://developers.brevo.com/docs/transactional-webhooks),
/// one event per request or, for a webhook created with `batched: true`, an array of them
/// (https://developers.brevo.com/docs/batch-webhooks). Brevo signs nothing; it authenticates the way
/// https://developers.brevo.com/docs/secured-webhooks documents — a bearer token set as the webhook's `auth`, or basic-auth
/// credentials embedded in its URL — so the request must present `Paraphe:Email:Brevo:WebhookSecret` as either (compared
/// in constant time), else 403 and nothing changes. Each event is recorded through <see cref="DeliveryReports"/> before
/// the 200, so an event is never acknowledged and then lost (Brevo retries what fails); repeats and late events change
/// nothing; events for no known message are acknowledged and logged.
/// </summary>
public static partial class BrevoEmailWebhook
{
    public const string UnauthorizedCallback = "unauthorized_callback";

    public static RouteGroupBuilder MapBrevoEmailCallbacks(this RouteGroupBuilder callbacks)
    {
        callbacks.MapPost("/email/brevo", HandleAsync).WithName("BrevoEmailEvents").WithBodyLimit(BodyLimit.Callback)
            .WithSummary("Brevo transactional email events (delivered, bounces, blocks, deferrals…)");
        return callbacks;
    }

    /// <summary>How many events of the request were recorded, repeated what was known, matched no message, or were ignored.</summary>
    public sealed record Answer(int Received, int Recorded, int Unchanged, int Unmatched, int Ignored);

    internal static async Task<Results<Ok<Answer>, ProblemHttpResult>> HandleAsync(HttpRequest request, ParapheDbContext db,
        IOptionsMonitor<BrevoEmailOptions> options, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(BrevoEmailWebhook).FullName!);
        if (!Authenticated(request, options.CurrentValue.WebhookSecret))
        {
            LogRefused(log, request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "?");
            return Problems.Of(UnauthorizedCallback,
                "Ce webhook Brevo ne présente pas le secret configuré (Paraphe:Email:Brevo:WebhookSecret).", status: StatusCodes.Status403Forbidden);
        }

        if (await CallbackBody.ReadAsync(request, CallbackBody.BrevoLimit, ct) is not { } bytes)
            return CallbackBody.TooLarge(CallbackBody.BrevoLimit);
        JsonDocument body;
        try
        {
            body = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            return Problems.Of(Problems.MalformedRequest, $"Le corps n'est pas du JSON : {e.Message}");
        }

        using (body)
        {
            var items = body.RootElement.ValueKind == JsonValueKind.Array
                ? body.RootElement.EnumerateArray().ToList()
                : [body.RootElement];
            int recorded = 0, unchanged = 0, unmatched = 0, ignored = 0;
            foreach (var item in items)
            {
                var e = BrevoEmailEvent.Parse(item);
                if (e?.Report is not { } report)
                {
                    ignored++;
                    continue;
                }
                db.ChangeTracker.Clear();
                var outcome = await DeliveryReports.RecordAsync(db, e.Message, report, ct);
                switch (outcome)
                {
                    case ReportOutcome.Recorded:
                        recorded++;
                        break;
                    case ReportOutcome.Unchanged:
                        unchanged++;
                        if (e.Event == "spam") LogLateComplaint(log, e.Message.NotificationId ?? e.MessageId ?? "?");
                        break;
                    case ReportOutcome.Unmatched:
                        unmatched++;
                        LogUnmatched(log, e.Event, e.MessageId ?? "(none)", e.Custom ?? "(none)");
                        break;
                }
            }
            return TypedResults.Ok(new Answer(items.Count, recorded, unchanged, unmatched, ignored));
        }
    }

    /// <summary>`Authorization: Bearer &lt;secret&gt;`, or `Basic` whose password is the secret. No secret configured: nobody.</summary>
    internal static bool Authenticated(HttpRequest request, string? secret) =>
        CallbackSecrets.BearerOrBasicMatches(request.Headers.Authorization.ToString(), secret);

    [LoggerMessage(EventId = 2240, Level = LogLevel.Warning, Message = "Brevo email webhook refused: no valid secret (from {Remote})")]
    private static partial void LogRefused(ILogger log, string remote);

    [LoggerMessage(EventId = 2241, Level = LogLevel.Warning, Message = "Brevo email event {Event} matches no notification (message-id {MessageId}, X-Mailin-custom {Custom})")]
    private static partial void LogUnmatched(ILogger log, string @event, string messageId, string custom);

    [LoggerMessage(EventId = 2242, Level = LogLevel.Information, Message = "Brevo spam complaint on {Message}, already final: recorded nowhere but here")]
    private static partial void LogLateComplaint(ILogger log, string message);
}
