using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Web.Features.Webhooks;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Pages.Settings;

/// <summary>
/// « Webhooks » (Paramètres, directors): the agency's endpoints — add (the secret shown once, on this answer only), choose
/// events, disable / enable, renew the secret, delete — and one endpoint's delivery log (`?id=`) with « Renvoyer ».
/// The same use cases as the API.
/// </summary>
public sealed class WebhooksModel(ParapheDbContext db, IHostEnvironment env, IOptionsMonitor<WebhookOptions> options, WebhookSignal signal)
    : DirectorPageModel(db)
{
    [BindProperty(Name = "Url")] public string? EndpointUrl { get; set; }
    [BindProperty] public List<string?> Events { get; set; } = [];
    [BindProperty] public string? Description { get; set; }

    public IReadOnlyList<WebhookEndpoint> Endpoints { get; private set; } = [];

    /// <summary>The endpoint whose log is shown (`?id=`), and its newest deliveries.</summary>
    public WebhookEndpoint? Selected { get; private set; }
    public Paged<WebhookDeliveryResponse>? Deliveries { get; private set; }

    /// <summary>The secret just created or renewed: shown on this page once.</summary>
    public (string Url, string Secret)? NewSecret { get; private set; }

    public DateTime Now => Db.UtcNow;

    public Task OnGetAsync(string? id, int? page, CancellationToken ct) => LoadAsync(id, page, ct);

    public Task<IActionResult> OnPostCreateAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        var created = await CreateWebhook.HandleAsync(Db, HttpContext, User, new CreateWebhook.Request(EndpointUrl, Events, Description),
            env.IsProduction(), options.CurrentValue.AllowPrivateAddresses, ct);
        NewSecret = (created.Url, created.Secret);
        (EndpointUrl, Description, Events) = (null, null, []);
        await LoadAsync(null, null, ct);
        Response.Headers.CacheControl = "no-store";
        return Page(); // not a redirect: the secret must not travel through TempData or the history
    }, ReloadAsync(ct));

    public Task<IActionResult> OnPostEventsAsync(string id, CancellationToken ct) => AttemptAsync(async () =>
    {
        await UpdateWebhook.HandleAsync(Db, HttpContext, User, id, new UpdateWebhook.Request(null, Events, null, null),
            env.IsProduction(), options.CurrentValue.AllowPrivateAddresses, ct);
        SetFlash("Événements enregistrés.");
        return RedirectToPage(new { id });
    }, ReloadAsync(ct, id));

    public Task<IActionResult> OnPostToggleAsync(string id, bool enable, CancellationToken ct) => AttemptAsync(async () =>
    {
        await UpdateWebhook.HandleAsync(Db, HttpContext, User, id, new UpdateWebhook.Request(null, null, null, enable),
            env.IsProduction(), options.CurrentValue.AllowPrivateAddresses, ct);
        SetFlash(enable ? "Webhook réactivé." : "Webhook désactivé : plus aucun événement ne lui est envoyé.");
        return RedirectToPage();
    }, ReloadAsync(ct));

    public Task<IActionResult> OnPostRotateAsync(string id, CancellationToken ct) => AttemptAsync(async () =>
    {
        var endpoint = await RotateWebhookSecret.HandleAsync(Db, HttpContext, User, id, options.CurrentValue.RotationOverlap, ct);
        NewSecret = (endpoint.Url, endpoint.Secret);
        await LoadAsync(null, null, ct);
        Response.Headers.CacheControl = "no-store";
        return Page();
    }, ReloadAsync(ct));

    public Task<IActionResult> OnPostDeleteAsync(string id, CancellationToken ct) => AttemptAsync(async () =>
    {
        await DeleteWebhook.HandleAsync(Db, HttpContext, User, id, ct);
        SetFlash("Webhook supprimé.");
        return RedirectToPage();
    }, ReloadAsync(ct));

    public Task<IActionResult> OnPostReplayAsync(string id, string deliveryId, CancellationToken ct) => AttemptAsync(async () =>
    {
        await ReplayWebhookDelivery.HandleAsync(Db, signal, User, id, deliveryId, ct);
        SetFlash("Événement renvoyé : une nouvelle livraison part à l'instant.");
        return RedirectToPage(new { id });
    }, ReloadAsync(ct, id));

    private async Task LoadAsync(string? id, int? page, CancellationToken ct)
    {
        var agencyId = AgencyId;
        Endpoints = await Db.WebhookEndpoints.AsNoTracking().Where(e => e.AgencyId == agencyId).OrderBy(e => e.CreatedAt).ToListAsync(ct);
        Selected = id is null ? null : Endpoints.FirstOrDefault(e => e.Id == id);
        if (Selected is not null) Deliveries = await ListWebhookDeliveries.HandleAsync(Db, User, Selected.Id, page, 25, ct);
    }

    private Func<Task<IActionResult>> ReloadAsync(CancellationToken ct, string? id = null) => async () =>
    {
        await LoadAsync(id, null, ct);
        return Page();
    };

    public static string StatusLabel(string status) => status switch
    {
        "delivered" => "Livré",
        "failed" => "Échec",
        _ => "En cours",
    };

    public static string StatusBadge(string status) => status switch
    {
        "delivered" => "badge-green",
        "failed" => "badge-red",
        _ => "badge-amber",
    };
}
