using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>`/webhooks` (API.md « Outgoing webhooks »): the agency's endpoints and their delivery log. Directors only.</summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder api)
    {
        var hooks = api.MapGroup("/webhooks").WithTags("Webhooks").RequireDirector();
        hooks.MapGet("/", async Task<Ok<List<WebhookResponse>>> (ParapheDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var agencyId = http.User.AgencyId();
            var rows = await db.WebhookEndpoints.AsNoTracking().Where(e => e.AgencyId == agencyId).OrderBy(e => e.CreatedAt).ToListAsync(ct);
            return TypedResults.Ok(rows.Select(e => e.ToResponse(db.UtcNow)).ToList());
        });
        hooks.MapPost("/", async Task<Created<WebhookWithSecret>> (CreateWebhook.Request body, ParapheDbContext db, IHostEnvironment env,
            IOptionsMonitor<WebhookOptions> options, HttpContext http, CancellationToken ct) =>
        {
            var endpoint = await CreateWebhook.HandleAsync(db, http, http.User, body, env.IsProduction(), options.CurrentValue.AllowPrivateAddresses, ct);
            return TypedResults.Created($"/api/v1/webhooks/{endpoint.Id}", endpoint.WithSecret(db.UtcNow));
        });
        hooks.MapGet("/{id}", async Task<Ok<WebhookResponse>> (string id, ParapheDbContext db, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok((await UpdateWebhook.FindAsync(db, http.User, id, ct)).ToResponse(db.UtcNow)));
        hooks.MapPatch("/{id}", async Task<Ok<WebhookResponse>> (string id, UpdateWebhook.Request body, ParapheDbContext db, IHostEnvironment env,
            IOptionsMonitor<WebhookOptions> options, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok((await UpdateWebhook.HandleAsync(db, http, http.User, id, body, env.IsProduction(),
                options.CurrentValue.AllowPrivateAddresses, ct)).ToResponse(db.UtcNow)));
        hooks.MapDelete("/{id}", async Task<NoContent> (string id, ParapheDbContext db, HttpContext http, CancellationToken ct) =>
        {
            await DeleteWebhook.HandleAsync(db, http, http.User, id, ct);
            return TypedResults.NoContent();
        });
        hooks.MapPost("/{id}/rotate-secret", async Task<Ok<WebhookWithSecret>> (string id, ParapheDbContext db, IOptionsMonitor<WebhookOptions> options,
            HttpContext http, CancellationToken ct) =>
            TypedResults.Ok((await RotateWebhookSecret.HandleAsync(db, http, http.User, id, options.CurrentValue.RotationOverlap, ct)).WithSecret(db.UtcNow)));
        hooks.MapGet("/{id}/deliveries", async Task<Ok<Paged<WebhookDeliveryResponse>>> (string id, int? page, int? page_size, ParapheDbContext db,
            HttpContext http, CancellationToken ct) =>
            TypedResults.Ok(await ListWebhookDeliveries.HandleAsync(db, http.User, id, page, page_size, ct)));
        hooks.MapPost("/{id}/deliveries/{delivery_id}/replay", async Task<Accepted<WebhookDeliveryResponse>> (string id, string delivery_id,
            ParapheDbContext db, WebhookSignal signal, HttpContext http, CancellationToken ct) =>
        {
            var replay = await ReplayWebhookDelivery.HandleAsync(db, signal, http.User, id, delivery_id, ct);
            return TypedResults.Accepted($"/api/v1/webhooks/{id}/deliveries", replay.ToResponse());
        });
        return api;
    }
}
