using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.DevOutbox;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Pages.Dev;

/// <summary>What the capture provider kept for this agency: exactly what clients would have received.</summary>
public sealed class OutboxModel(ParapheDbContext db, SenderRegistry senders) : AgentPageModel(db)
{
    [BindProperty(SupportsGet = true)] public string? To { get; set; }

    public IReadOnlyList<OutboxMessage> Messages { get; private set; } = [];

    /// <summary>Each listed message's notification (delivery status, procedure), by notification id.</summary>
    public IReadOnlyDictionary<string, Notification> Notifications { get; private set; } = new Dictionary<string, Notification>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        Messages = await DevOutboxApi.ListAsync(Db, string.IsNullOrWhiteSpace(To) ? null : To.Trim(), 200, ct);
        var ids = Messages.Select(m => m.NotificationId).Distinct().ToList();
        Notifications = await Db.Notifications.AsNoTracking().Where(n => ids.Contains(n.Id)).ToDictionaryAsync(n => n.Id, ct);
    }

    /// <summary>« Simuler : … » on one message: the delivery event a real provider would report.</summary>
    public async Task<IActionResult> OnPostSimulateAsync(string messageId, string @event, CancellationToken ct) =>
        await AttemptAsync(async () =>
        {
            var result = await SimulateDelivery.HandleAsync(Db, senders, messageId, @event, ct);
            var label = SimulateDelivery.Events.First(e => e.Event == @event.Trim().ToLowerInvariant()).Label;
            SetFlash($"Événement simulé : « {label} ». Ouvrez le statut de la procédure pour voir le diagnostic.");
            return Redirect(string.IsNullOrWhiteSpace(To) ? $"/dev/outbox#{result.MessageId}" : $"/dev/outbox?to={Uri.EscapeDataString(To)}#{result.MessageId}");
        }, async () =>
        {
            await OnGetAsync(ct);
            return Page();
        });
}
