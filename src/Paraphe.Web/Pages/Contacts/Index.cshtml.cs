using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Contacts;

namespace Paraphe.Web.Pages.Contacts;

public sealed class IndexModel(ParapheDbContext db) : AgentPageModel(db)
{
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

    public IReadOnlyList<Contact> Contacts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = Features.Contacts.ContactsApi.Matching(Db.Contacts.AsNoTracking(), Q);
        Contacts = await query.OrderBy(c => c.LastName).ThenBy(c => c.FirstName).Take(500).ToListAsync(ct);
    }
}
