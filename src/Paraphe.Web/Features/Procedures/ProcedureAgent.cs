using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// The procedure's agent (`agent_user_id`): the user named in the request, who must be a user of the agency; else the
/// user who creates it in the app; else (an API key) nobody, and alerts go to the directors.
/// </summary>
public static class ProcedureAgent
{
    public static async Task<string?> ResolveAsync(ParapheDbContext db, string? requested, string actor, CancellationToken ct)
    {
        if (requested is null)
            return actor.StartsWith("user:", StringComparison.Ordinal) ? actor["user:".Length..] : null;
        TextInput.Ensure("agent_user_id", requested, TextInput.Id);
        // The tenant's query filter: a user of another agency is as unknown as one that does not exist.
        if (!await db.Users.AnyAsync(u => u.Id == requested && u.DeactivatedAt == null, ct))
            throw new DomainException(ErrorCodes.ValidationFailed, "L'agent indiqué n'est pas un utilisateur de l'agence.",
                new Dictionary<string, string[]> { ["agent_user_id"] = ["Indiquez l'identifiant d'un utilisateur actif de l'agence."] });
        return requested;
    }
}
