using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Features.DevOutbox;

/// <summary>
/// Plays, on a message the capture provider kept, the delivery event a real provider or operator would report
/// (delivered, hard bounce, block, delay, SMS not delivered, unknown number), through the same domain transitions,
/// so that every diagnosis can be seen by hand without a real mailbox or phone.
/// </summary>
public static class SimulateDelivery
{
    public sealed record Request(string? Event);

    public sealed record Response(string MessageId, string NotificationId, string Channel, DeliveryStatus Status, string? Error);

    /// <summary>The events, in the order of the buttons, with their French label and the channel they apply to (null: both).</summary>
    public static readonly IReadOnlyList<(string Event, string Label, Channel? Channel)> Events =
    [
        ("delivered", "délivré", null),
        ("bounced", "rejeté (adresse inconnue)", Channel.Email),
        ("blocked", "bloqué", Channel.Email),
        ("deferred", "différé", Channel.Email),
        ("undelivered", "non distribué", Channel.Sms),
        ("unknown_number", "numéro inconnu", Channel.Sms),
    ];

    public static RouteGroupBuilder MapSimulateDeliveryApi(this RouteGroupBuilder api)
    {
        api.MapPost("/dev/outbox/{id}/events", async Task<Ok<Response>> (string id, Request body, ParapheDbContext db,
                SenderRegistry senders, CancellationToken ct) =>
            TypedResults.Ok(await HandleAsync(db, senders, id, body.Event, ct)))
            .WithTags("Dev outbox");
        return api;
    }

    public static async Task<Response> HandleAsync(ParapheDbContext db, SenderRegistry senders, string messageId,
        string? evt, CancellationToken ct)
    {
        DevOutboxApi.EnsureEnabled(senders);
        // Tenant-scoped by the query filters: another agency's message is not found.
        var message = await db.CapturedMessages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == messageId, ct)
                      ?? throw new DomainException(ErrorCodes.NotFound, "Message introuvable dans la boîte d'envoi.");
        var channel = string.Equals(message.Channel, "sms", StringComparison.OrdinalIgnoreCase) ? Channel.Sms : Channel.Email;
        var known = Events.FirstOrDefault(e => e.Event == evt?.Trim().ToLowerInvariant());
        if (known.Event is null || (known.Channel is { } only && only != channel))
        {
            var allowed = string.Join(", ", Events.Where(e => e.Channel is null || e.Channel == channel).Select(e => e.Event));
            throw new DomainException(ErrorCodes.ValidationFailed, $"Événement inconnu pour un {Label(channel)} : choisissez parmi {allowed}.",
                new Dictionary<string, string[]> { ["event"] = [$"Valeurs possibles : {allowed}."] });
        }

        var n = await LoadSettledAsync(db, message.NotificationId, ct)
                ?? throw new DomainException(ErrorCodes.NotFound, "Message introuvable dans la boîte d'envoi.");
        if (n.IsFinal)
            throw new DomainException(ErrorCodes.InvalidTransition,
                $"Ce message est déjà {(n.Status == DeliveryStatus.Delivered ? "délivré" : "en échec")} : un opérateur ne revient pas dessus.");

        var now = db.UtcNow;
        const string sim = " (simulé)";
        switch (known.Event)
        {
            case "delivered":
                n.Delivered(now, $"remis au destinataire{sim}");
                break;
            case "bounced":
                n.Failed($"550 5.1.1 Boîte aux lettres inconnue{sim}", now, DeliveryFailure.MailboxUnknown);
                break;
            case "blocked":
                n.Failed($"550 5.7.1 Message refusé par la politique anti-spam de l'opérateur{sim}", now, DeliveryFailure.Blocked);
                break;
            case "deferred":
                n.Deferred(now, $"421 4.7.0 Trop de messages, réessayez plus tard{sim}");
                break;
            case "undelivered":
                n.Failed($"30003 Destinataire injoignable{sim}", now, DeliveryFailure.SmsUnreachable);
                break;
            case "unknown_number":
                n.Failed($"30005 Numéro inconnu de l'opérateur{sim}", now, DeliveryFailure.SmsUnknownNumber);
                break;
        }
        await db.SaveChangesAsync(ct);
        return new Response(message.Id, n.Id, message.Channel, n.Status, n.Error);
    }

    /// <summary>
    /// The capture provider keeps the message just before the dispatcher records it as accepted: a click in that
    /// instant waits for the dispatcher (briefly), rather than racing it.
    /// </summary>
    private static async Task<Notification?> LoadSettledAsync(ParapheDbContext db, string notificationId, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var n = await db.Notifications.Include(x => x.Events).FirstOrDefaultAsync(x => x.Id == notificationId, ct);
            if (n is null || n.Status is not (DeliveryStatus.Queued or DeliveryStatus.Sending) || attempt >= 20) return n;
            db.ChangeTracker.Clear();
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }

    private static string Label(Channel channel) => channel == Channel.Sms ? "SMS" : "email";
}
