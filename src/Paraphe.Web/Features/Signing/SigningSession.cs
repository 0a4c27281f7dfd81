using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Signing;

/// <summary>What a signing link resolves to. The token is looked up by its hash, across agencies.</summary>
public sealed record SigningSession(Procedure Procedure, Signer Signer, string AgencyName)
{
    public static async Task<SigningSession> ResolveAsync(ParapheDbContext db, string token, CancellationToken ct)
    {
        var hash = SigningLinks.Hash(token);
        // Issue 12: the procedure found by its signer's token hash (the unique index) in one query, the agency's name
        // projected: two round-trips instead of three. The signer's procedure id is an uncorrelated scalar subquery, so
        // the procedure is then read by its primary key: as `p.Signers.Any(s => s.TokenHash == hash)` SQLite scanned every
        // procedure of every agency, probing the index once per procedure, in each of the split queries.
        var procedure = token.Length is < 20 or > 100 ? null
            : await db.Procedures.IgnoreQueryFilters().FirstOrDefaultAsync(p => p.Id == db.Signers
                .Where(s => s.TokenHash == hash).Select(s => s.ProcedureId).FirstOrDefault(), ct);
        if (procedure is null)
            throw new DomainException(ErrorCodes.NotFound, "Ce lien de signature n'existe pas. Vérifiez qu'il a été copié en entier.");
        var agencyName = await db.Agencies.AsNoTracking().Where(a => a.Id == procedure.AgencyId).Select(a => a.Name).FirstAsync(ct);
        return new SigningSession(procedure, procedure.Signers.First(s => s.TokenHash == hash), agencyName);
    }

    /// <summary>
    /// Resolves the link and runs the signer's action on it; when another writer collided with it (a co-signer signing
    /// at the same moment, a delivery report, a second click), the action runs again on the fresh procedure.
    /// </summary>
    public static Task<T> RunAsync<T>(ParapheDbContext db, string token, Func<SigningSession, Task<T>> act, CancellationToken ct) =>
        db.RetryOnConflictAsync(async () => await act(await ResolveAsync(db, token, ct)), ct);
}

/// <summary>What the signer's page needs.</summary>
public sealed record SigningView(
    string Title, string AgencyName, string Status, SigningView.SignerInfo Signer, string DocumentUrl, int Pages,
    bool OtpRequired, DateTime? ExpiresAt, IReadOnlyList<SigningView.SignerInfo> Signers)
{
    public sealed record SignerInfo(string FirstName, string LastName, string Role, SignerStatus Status);
}
