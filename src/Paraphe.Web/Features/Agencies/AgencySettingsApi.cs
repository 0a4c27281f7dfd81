using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Agencies;

/// <summary>
/// The agency's own settings for integrators (README « The agency »): users, identity and defaults, API keys, journal.
/// Director only: an agent's session never reaches `/api` (API keys only), and an API key has the director's rights.
/// </summary>
public static class AgencySettingsApi
{
    public static WebApplicationBuilder AddAgencySettings(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section);
        builder.Services.AddSingleton<AccountLinks>();
        return builder;
    }

    public static RouteGroupBuilder MapAgencySettingsApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Agency").RequireDirector();
        users.MapGet("/", async Task<Ok<List<UserResponse>>> (ParapheDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.Users.AsNoTracking().OrderBy(u => u.LastName).ThenBy(u => u.FirstName).ToListAsync(ct))
                .Select(u => u.ToResponse()).ToList()));
        users.MapPost("/", async Task<Created<UserResponse>> (InviteUser.Request body, ParapheDbContext db, AccountLinks links,
            IOptions<AccountOptions> options, HttpContext http, CancellationToken ct) =>
        {
            var user = await InviteUser.HandleAsync(db, links, options.Value, http, http.User, body, ct);
            return TypedResults.Created($"/api/v1/users/{user.Id}", user.ToResponse());
        });
        users.MapGet("/{id}", async Task<Ok<UserResponse>> (string id, ParapheDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await UpdateUser.FindAsync(db, id, ct)).ToResponse()));
        users.MapPatch("/{id}", async Task<Ok<UserResponse>> (string id, UpdateUser.Request body, ParapheDbContext db, HttpContext http,
            CancellationToken ct) => TypedResults.Ok((await UpdateUser.HandleAsync(db, http, http.User, id, body, ct)).ToResponse()));
        users.MapPost("/{id}/deactivate", async Task<Ok<UserResponse>> (string id, ParapheDbContext db, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok((await DeactivateUser.HandleAsync(db, http, http.User, id, ct)).ToResponse()));
        users.MapPost("/{id}/invitation", async Task<Accepted<UserResponse>> (string id, ParapheDbContext db, AccountLinks links,
            IOptions<AccountOptions> options, HttpContext http, CancellationToken ct) =>
            TypedResults.Accepted((string?)null, (await InviteUser.ResendAsync(db, links, options.Value, http, http.User, id, ct)).ToResponse()));

        var agency = api.MapGroup("/agency").WithTags("Agency").RequireDirector();
        agency.MapGet("/", async Task<Ok<UpdateAgency.Response>> (ParapheDbContext db, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok((await UpdateAgency.FindAsync(db, http.User.AgencyId(), ct)).ToResponse()));
        agency.MapPatch("/", async Task<Ok<UpdateAgency.Response>> (UpdateAgency.Request body, ParapheDbContext db, HttpContext http,
            CancellationToken ct) => TypedResults.Ok((await UpdateAgency.HandleAsync(db, http, http.User, body, ct)).ToResponse()));
        agency.MapGet("/events", async Task<Ok<AgencyEvents>> (int? limit, ParapheDbContext db, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok(new AgencyEvents(await AgencyJournal.ListAsync(db, http.User.AgencyId(), limit ?? 100, ct))));

        var keys = api.MapGroup("/api-keys").WithTags("Agency").RequireDirector();
        keys.MapGet("/", async Task<Ok<List<ManageApiKeys.KeyResponse>>> (ParapheDbContext db, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok((await ManageApiKeys.ListAsync(db, http.User.AgencyId(), ct)).Select(k => k.ToResponse()).ToList()));
        keys.MapPost("/", async Task<Created<ManageApiKeys.CreatedKey>> (ManageApiKeys.CreateRequest body, ParapheDbContext db, HttpContext http,
            CancellationToken ct) =>
        {
            var created = await ManageApiKeys.CreateAsync(db, http, http.User, body, ct);
            return TypedResults.Created($"/api/v1/api-keys/{created.Id}", created);
        });
        keys.MapDelete("/{id}", async Task<Ok<ManageApiKeys.KeyResponse>> (string id, ParapheDbContext db, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok((await ManageApiKeys.RevokeAsync(db, http, http.User, id, ct)).ToResponse()));
        return api;
    }

    /// <summary>`GET /agency/events`: the settings journal, newest first.</summary>
    public sealed record AgencyEvents(IReadOnlyList<AgencyJournal.Entry> Events);
}
