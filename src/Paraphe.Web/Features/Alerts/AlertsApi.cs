using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Alerts;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Alerts;

public sealed record AlertResponse(string Id, string UserId, string Kind, string? ProcedureId, string? SignerId, string Title, string? SignerName,
    string? Detail, string Message, DateTime CreatedAt, DateTime? ReadAt, string? NotificationId);

public sealed record AlertListResponse(IReadOnlyList<AlertResponse> Items, int Page, int PageSize, int Total, int Unread);

/// <summary>By kind (<c>signer_declined</c>, …): also by email? In the app every alert appears.</summary>
public sealed record AlertPreferencesResponse(IReadOnlyDictionary<string, bool> Email);

public sealed record AlertPreferencesRequest(IReadOnlyDictionary<string, bool>? Email);

public sealed record ReadAllResponse(int Marked);

/// <summary>
/// The agency's alerts for an integrator (`GET /alerts`, newest first; `?user_id=` one user's, `?unread=true`), marked
/// read one by one or all at once, and each user's email preferences (`GET|PUT /users/{id}/alert-preferences`). The
/// pages show a signed-in user their own.
/// </summary>
public static class AlertsApi
{
    public static RouteGroupBuilder MapAlertsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/alerts").WithTags("Alerts");

        group.MapGet("/", async Task<Ok<AlertListResponse>> (string? user_id, bool? unread, int? page, int? page_size,
            ParapheDbContext db, CancellationToken ct) =>
        {
            TextInput.Ensure("user_id", user_id, TextInput.Id);
            var scope = user_id is null ? db.UserAlerts.AsNoTracking() : db.UserAlerts.AsNoTracking().Where(a => a.UserId == user_id);
            var query = unread == true ? scope.Where(a => a.ReadAt == null) : scope;
            var paged = await Paged<AlertResponse>.OfAsync(query.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id),
                page, page_size, ToResponse, ct);
            var count = await scope.CountAsync(a => a.ReadAt == null, ct);
            return TypedResults.Ok(new AlertListResponse(paged.Items, paged.Page, paged.PageSize, paged.Total, count));
        });

        group.MapPost("/{id}/read", async Task<Ok<AlertResponse>> (string id, ParapheDbContext db, CancellationToken ct) =>
            TypedResults.Ok(ToResponse(await MarkReadAsync(db, null, id, ct))));

        group.MapPost("/read-all", async Task<Ok<ReadAllResponse>> (string? user_id, ParapheDbContext db, CancellationToken ct) =>
        {
            TextInput.Ensure("user_id", user_id, TextInput.Id);
            return TypedResults.Ok(new ReadAllResponse(await MarkAllReadAsync(db, user_id, ct)));
        });

        var users = api.MapGroup("/users").WithTags("Alerts");
        users.MapGet("/{id}/alert-preferences", async Task<Ok<AlertPreferencesResponse>> (string id, ParapheDbContext db, CancellationToken ct) =>
            TypedResults.Ok(ToResponse(await PreferencesAsync(db, await UserAgencyAsync(db, id, ct), id, ct))));
        users.MapPut("/{id}/alert-preferences", async Task<Ok<AlertPreferencesResponse>> (string id, AlertPreferencesRequest body,
            ParapheDbContext db, CancellationToken ct) =>
        {
            var agencyId = await UserAgencyAsync(db, id, ct);
            var errors = new Dictionary<string, string[]>();
            foreach (var key in (body.Email ?? new Dictionary<string, bool>()).Keys)
                if (AlertKinds.Parse(key) is null)
                    errors[$"email.{TextInput.Clean(key, 40)}"] = [$"Alertes possibles : {string.Join(", ", AlertKinds.All.Select(AlertKinds.Wire))}."];
            TextInput.ThrowIfAny(errors);
            var preferences = await SavePreferencesAsync(db, agencyId, id,
                (body.Email ?? new Dictionary<string, bool>()).ToDictionary(kv => AlertKinds.Parse(kv.Key)!.Value, kv => kv.Value), ct);
            return TypedResults.Ok(ToResponse(preferences));
        });
        return api;
    }

    public static string? UserOf(HttpContext http) => http.User.FindFirstValue(ParapheClaims.UserId);

    /// <summary>The agency of a user of the caller's agency (the tenant's filter), else 404.</summary>
    private static async Task<string> UserAgencyAsync(ParapheDbContext db, string id, CancellationToken ct)
    {
        TextInput.Ensure("id", id, TextInput.Id);
        return await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.AgencyId).FirstOrDefaultAsync(ct)
               ?? throw new DomainException(ErrorCodes.NotFound, "Utilisateur introuvable.");
    }

    /// <param name="userId">A signed-in user marks only their own alerts; an API key (null) any of the agency's.</param>
    public static async Task<UserAlert> MarkReadAsync(ParapheDbContext db, string? userId, string id, CancellationToken ct)
    {
        TextInput.Ensure("id", id, TextInput.Id);
        var alert = await db.UserAlerts.FirstOrDefaultAsync(a => a.Id == id && (userId == null || a.UserId == userId), ct)
                    ?? throw new DomainException(ErrorCodes.NotFound, "Alerte introuvable.");
        if (alert.MarkRead(db.UtcNow)) await db.SaveChangesAsync(ct);
        return alert;
    }

    public static async Task<int> MarkAllReadAsync(ParapheDbContext db, string? userId, CancellationToken ct)
    {
        var unread = await db.UserAlerts.Where(a => (userId == null || a.UserId == userId) && a.ReadAt == null).ToListAsync(ct);
        var now = db.UtcNow;
        foreach (var a in unread) a.MarkRead(now);
        await db.SaveChangesAsync(ct);
        return unread.Count;
    }

    public static async Task<AlertPreferences> PreferencesAsync(ParapheDbContext db, string agencyId, string userId, CancellationToken ct) =>
        await db.AlertPreferences.AsNoTracking().FirstOrDefaultAsync(p => p.UserId == userId, ct)
        ?? AlertPreferences.Default(agencyId, userId);

    /// <summary>Sets the kinds given; the others keep their value.</summary>
    public static async Task<AlertPreferences> SavePreferencesAsync(ParapheDbContext db, string agencyId, string userId,
        IReadOnlyDictionary<AlertKind, bool> email, CancellationToken ct)
    {
        var preferences = await db.AlertPreferences.FirstOrDefaultAsync(p => p.UserId == userId, ct);
        if (preferences is null) db.AlertPreferences.Add(preferences = AlertPreferences.Default(agencyId, userId));
        foreach (var (kind, on) in email) preferences.Set(kind, on, db.UtcNow);
        await db.SaveChangesAsync(ct);
        return preferences;
    }

    public static AlertResponse ToResponse(UserAlert a) => new(a.Id, a.UserId, AlertKinds.Wire(a.Kind), a.ProcedureId, a.SignerId, a.Title,
        a.SignerName, a.Detail, Sentence(a), a.CreatedAt, a.ReadAt, a.NotificationId);

    private static AlertPreferencesResponse ToResponse(AlertPreferences p) =>
        new(AlertKinds.All.ToDictionary(AlertKinds.Wire, p.ByEmail));

    /// <summary>One line for the list: who, what, which procedure.</summary>
    public static string Sentence(UserAlert a)
    {
        var signer = a.SignerName ?? "Un signataire";
        return a.Kind switch
        {
            AlertKind.SignerDeclined => $"{signer} a refusé de signer « {a.Title} »" + (a.Detail is { } r ? $" : « {r} »" : "."),
            AlertKind.SignerUnreachable => $"{signer} ne peut être joint ni par email ni par SMS (« {a.Title} ») : corrigez ses coordonnées.",
            AlertKind.ProcedureCompleted => $"« {a.Title} » est signé par tous ; le document scellé est prêt.",
            AlertKind.ProcedureExpiring => $"« {a.Title} » expire bientôt et n'est pas encore signé par tous.",
            AlertKind.SealingFailed => $"Le scellement de « {a.Title} » a échoué : relancez-le depuis la procédure.",
            AlertKind.WebhookDisabled => $"Le webhook {a.Title} a été désactivé : ses livraisons échouent depuis plusieurs jours.",
        };
    }
}
