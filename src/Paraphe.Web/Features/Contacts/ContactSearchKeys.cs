using Microsoft.EntityFrameworkCore;
using Paraphe.Data;

namespace Paraphe.Web.Features.Contacts;

/// <summary>
/// Contacts saved before the search key existed get theirs at start-up (the migration adds the column empty: the
/// folding and the phone writings are C#, not SQL). Every save keeps it current afterwards.
/// </summary>
public static class ContactSearchKeys
{
    private const int Batch = 500;

    public static async Task BackfillAsync(ParapheDbContext db, CancellationToken ct)
    {
        while (true)
        {
            var missing = await db.Contacts.IgnoreQueryFilters().Where(c => c.SearchKey == "")
                .OrderBy(c => c.Id).Take(Batch).ToListAsync(ct);
            if (missing.Count == 0) return;
            foreach (var contact in missing) contact.RefreshSearchKey();
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            if (missing.Count < Batch) return;
        }
    }
}
