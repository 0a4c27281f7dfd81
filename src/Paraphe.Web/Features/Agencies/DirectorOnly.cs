using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Agencies;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Agencies;

/// <summary>
/// The agency's settings are the director's. An API key acts for the agency with the director's rights (only a director
/// creates one); a signed-in user must be an active director, read from the database at each request so that a
/// demotion counts at once.
/// </summary>
public static class DirectorOnly
{
    public const string Refusal = "Réservé à la direction de l'agence : demandez à un directeur de faire ce changement.";

    public static async Task<bool> IsDirectorAsync(ParapheDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        if (user.FindFirstValue(ParapheClaims.ApiKeyId) is not null) return true;
        var userId = user.FindFirstValue(ParapheClaims.UserId);
        if (userId is null) return false;
        return await db.Users.AsNoTracking().AnyAsync(u => u.Id == userId && u.Role == UserRole.Director && u.DeactivatedAt == null, ct);
    }

    public static async Task EnsureAsync(ParapheDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await IsDirectorAsync(db, user, ct)) throw new DomainException(ErrorCodes.Forbidden, Refusal);
    }

    /// <summary>The API group's filter: every endpoint under it answers 403 `forbidden` to anyone but a director.</summary>
    public static RouteGroupBuilder RequireDirector(this RouteGroupBuilder group) => group.AddEndpointFilter(async (context, next) =>
    {
        var http = context.HttpContext;
        await EnsureAsync(http.RequestServices.GetRequiredService<ParapheDbContext>(), http.User, http.RequestAborted);
        return await next(context);
    });
}
