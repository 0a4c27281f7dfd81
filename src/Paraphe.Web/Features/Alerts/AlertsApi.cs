using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Alerts;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Alerts;

public sealed record AlertResponse(string Id, string Kind, string ProcedureId, string? SignerId, string Title, string? SignerName,
    string? Detail, string Message, DateTime CreatedAt, DateTime? ReadAt, string? NotificationId);

public sealed record AlertListResponse(IReadOnlyList<AlertResponse> Items, int Page, int PageSize, int Total, int Unread);

/// <summary>By kind (<c>signer_declined</c>, …): also by email? In the app every alert appears.</summary>
public sealed record AlertPreferencesResponse(IReadOnlyDictionary<string, bool> Email);

public sealed record AlertPreferencesRequest(IReadOnlyDictionary<string, bool>? Email);

/// <summary>
/// The signed-in user's alerts (`GET /alerts`, newest first; `?unread=true`), marked read one by one or all at once,
/// and their email preferences (`GET|PUT /me/alert-preferences`). An API key has no user: `403 user_required`.
/// </summary>
public static class AlertsApi
{
    public const string UserRequired = "user_required";

    public static RouteGroupBuilder MapAlertsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/alerts").WithTags("Alerts");

        group.MapGet("/", async Task<Results<Ok<AlertListResponse>, ProblemHttpResult>> (bool? unread, int? page, int? page_size,
            ParapheDbContext db, HttpContext http, CancellationToken ct) =>
        {
            if (UserOf(http) is not { } user) return NoUser();
            var mine = db.UserAlerts.AsNoTracking().Where(a => a.UserId == user);
            var query = unread == true ? mine.Where(a => a.ReadAt == null) : mine;
            var paged = await Paged<AlertResponse>.OfAsync(query.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id),
                page, page_size, ToResponse, ct);
            var count = await mine.CountAsync(a => a.ReadAt == null, ct);
            return TypedResults.Ok(new AlertListResponse(paged.Items, paged.Page, paged.PageSize, paged.Total, count));
        });

        group.MapPost("/{id}/read", async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> (string id, ParapheDbContext db,
            HttpContext http, CancellationToken ct) =>
        {
            if (UserOf(http) is not { } user) return NoUser();
            var alert = await MarkReadAsync(db, user, id, ct);
            return TypedResults.Ok(ToResponse(alert));
        });

        group.MapPost("/read-all", async Task<Results<Ok<AlertListResponse>, ProblemHttpResult>> (ParapheDbContext db, HttpContext http,
            CancellationToken ct) =>
        {
            if (UserOf(http) is not { } user) return NoUser();
            var marked = await MarkAllReadAsync(db, user, ct);
            return TypedResults.Ok(new AlertListResponse([], 1, 0, marked, 0));
        });

        var me = api.MapGroup("/me").WithTags("Alerts");
        me.MapGet("/alert-preferences", async Task<Results<Ok<AlertPreferencesResponse>, ProblemHttpResult>> (ParapheDbContext db,
            HttpContext http, CancellationToken ct) =>
        {
            if (UserOf(http) is not { } user) return NoUser();
            return TypedResults.Ok(ToResponse(await PreferencesAsync(db, http.User.AgencyId(), user, ct)));
        });
        me.MapPut("/alert-preferences", async Task<Results<Ok<AlertPreferencesResponse>, ProblemHttpResult>> (AlertPreferencesRequest body,
            ParapheDbContext db, HttpContext http, CancellationToken ct) =>
        {
            if (UserOf(http) is not { } user) return NoUser();
            var errors = new Dictionary<string, string[]>();
            foreach (var key in (body.Email ?? new Dictionary<string, bool>()).Keys)
                if (AlertKinds.Parse(key) is null)
                    errors[$"email.{TextInput.Clean(key, 40)}"] = [$"Alertes possibles : {string.Join(", ", AlertKinds.All.Select(AlertKinds.Wire))}."];
            TextInput.ThrowIfAny(errors);
            var preferences = await SavePreferencesAsync(db, http.User.AgencyId(), user,
                (body.Email ?? new Dictionary<string, bool>()).ToDictionary(kv => AlertKinds.Parse(kv.Key)!.Value, kv => kv.Value), ct);
            return TypedResults.Ok(ToResponse(preferences));
        });
        return api;
    }

    public static string? UserOf(HttpContext http) => http.User.FindFirstValue(ParapheClaims.UserId);

    private static ProblemHttpResult NoUser() => Problems.Of(UserRequired,
        "Les alertes et leurs préférences appartiennent à un utilisateur de l'agence : une clé d'API n'en a pas.",
        status: StatusCodes.Status403Forbidden);

    public static async Task<UserAlert> MarkReadAsync(ParapheDbContext db, string userId, string id, CancellationToken ct)
    {
        TextInput.Ensure("id", id, TextInput.Id);
        var alert = await db.UserAlerts.FirstOrDefaultAsync(a => a.Id == id && a.UserId == userId, ct)
                    ?? throw new DomainException(ErrorCodes.NotFound, "Alerte introuvable.");
        if (alert.MarkRead(db.UtcNow)) await db.SaveChangesAsync(ct);
        return alert;
    }

    public static async Task<int> MarkAllReadAsync(ParapheDbContext db, string userId, CancellationToken ct)
    {
        var unread = await db.UserAlerts.Where(a => a.UserId == userId && a.ReadAt == null).ToListAsync(ct);
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

    public static AlertResponse ToResponse(UserAlert a) => new(a.Id, AlertKinds.Wire(a.Kind), a.ProcedureId, a.SignerId, a.Title,
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
        };
    }
}
