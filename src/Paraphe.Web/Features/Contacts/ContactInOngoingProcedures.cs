using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Contacts;

/// <summary>
/// The ongoing procedures in which a contact still has to sign: editing the contact does not change the invitations
/// already sent (coordinates are frozen at launch), so the contact page warns and offers « Corriger et relancer ».
/// </summary>
public static class ContactInOngoingProcedures
{
    /// <param name="Email">the email this procedure's invitation went to (frozen at launch).</param>
    public sealed record Item(string ProcedureId, string Title, DateTime? LaunchedAt, string Mode, string Email, string Mobile);

    public static async Task<IReadOnlyList<Item>> ForAsync(ParapheDbContext db, string contactId, CancellationToken ct)
    {
        var procedures = await db.Procedures.AsNoTracking()
            .Where(p => p.Status == ProcedureStatus.Ongoing
                        && p.Signers.Any(s => s.ContactId == contactId && s.Status == SignerStatus.Pending))
            .OrderByDescending(p => p.LaunchedAt).Take(50).ToListAsync(ct);
        return procedures.Select(p =>
        {
            var s = p.Signers.First(x => x.ContactId == contactId);
            return new Item(p.Id, p.Title, p.LaunchedAt, Procedure.Wire(p.Mode), s.Email, s.Mobile);
        }).ToList();
    }
}
