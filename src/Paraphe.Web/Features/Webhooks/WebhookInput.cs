using Paraphe.Domain;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>What an endpoint's form or body may say: the URL (<see cref="WebhookUrls"/>), known event types, a short description.</summary>
public static class WebhookInput
{
    public static readonly TextInput.Rule Description = new(200, false, "la description");
    public static readonly TextInput.Rule EventType = new(40, false, "le type d'événement");

    public static void CheckUrl(Dictionary<string, string[]> errors, string? url, bool production, bool allowPrivate)
    {
        if (WebhookUrls.Problem(url, production, allowPrivate) is { } problem) errors["url"] = [problem];
    }

    /// <returns>The events, distinct, in the catalogue's order.</returns>
    public static List<string> CheckEvents(Dictionary<string, string[]> errors, IReadOnlyList<string?>? events)
    {
        if (events is null || events.Count == 0)
        {
            errors["events"] = ["Choisissez au moins un événement."];
            return [];
        }
        if (events.Count > 50 || events.Any(e => TextInput.Problem(e, EventType) is not null || e is null || !WebhookEventTypes.IsKnown(e)))
        {
            var unknown = events.Where(e => e is null || !WebhookEventTypes.IsKnown(e)).Take(3).Select(e => e is null ? "null" : $"« {Short(e)} »");
            errors["events"] = [$"Événement inconnu : {string.Join(", ", unknown)}. Connus : {string.Join(", ", WebhookEventTypes.All.Select(t => t.Type))}."];
            return [];
        }
        return WebhookEventTypes.All.Select(t => t.Type).Where(events.Contains).ToList();
    }

    public static void CheckDescription(Dictionary<string, string[]> errors, string? description) =>
        TextInput.Check(errors, "description", description, Description);

    private static string Short(string s) => TextInput.Clean(s.Length > 40 ? s[..40] : s, 40) ?? "";
}
