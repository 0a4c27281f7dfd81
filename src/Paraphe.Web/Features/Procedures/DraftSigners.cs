using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Contacts;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// A draft's signers show their contact's current details, the ones its launch will freeze (seen: a draft showing an
/// old address while its launch used the new one).
/// </summary>
public static class DraftSigners
{
    /// <summary>After a contact is edited: every draft it signs follows, saved by the caller in the same transaction.</summary>
    public static async Task FollowAsync(ParapheDbContext db, Contact contact, CancellationToken ct)
    {
        var drafts = await db.Procedures
            .Where(p => p.Status == ProcedureStatus.Draft && p.Signers.Any(s => s.ContactId == contact.Id))
            .ToListAsync(ct);
        var current = SignerSnapshots.OfContact(contact);
        foreach (var d in drafts) d.RefreshDraftSigners(contact.Id, current);
    }

    /// <summary>Before a draft is shown: its signers as their contacts are now (drafts saved before contacts followed).</summary>
    public static async Task RefreshAsync(ParapheDbContext db, Procedure draft, CancellationToken ct)
    {
        if (!draft.IsDraft) return;
        var ids = draft.Signers.Select(s => s.ContactId).OfType<string>().Distinct().ToList();
        if (ids.Count == 0) return;
        foreach (var c in await db.Contacts.AsNoTracking().Where(c => ids.Contains(c.Id)).ToListAsync(ct))
            draft.RefreshDraftSigners(c.Id, SignerSnapshots.OfContact(c));
    }
}
