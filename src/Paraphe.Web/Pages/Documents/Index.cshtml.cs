using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Documents;

namespace Paraphe.Web.Pages.Documents;

public sealed class IndexModel(ParapheDbContext db) : AgentPageModel(db)
{
    public IReadOnlyList<Document> Documents { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Documents = await Db.Documents.AsNoTracking().OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(500).ToListAsync(ct);
}
