using Paraphe.Data;
using Paraphe.Web.Features.Agencies;

namespace Paraphe.Web.Pages.Settings;

/// <summary>« Journal »: every change of the agency's settings, users, keys and passwords, newest first.</summary>
public sealed class JournalModel(ParapheDbContext db) : DirectorPageModel(db)
{
    public IReadOnlyList<AgencyJournal.Entry> Entries { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Entries = await AgencyJournal.ListAsync(Db, AgencyId, 200, ct);
}
