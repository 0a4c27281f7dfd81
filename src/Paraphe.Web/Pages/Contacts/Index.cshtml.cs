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
        IQueryable<Contact> query = Db.Contacts.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var term = Q.Trim().ToLower();
            query = query.Where(c => c.LastName.ToLower().Contains(term) || c.FirstName.ToLower().Contains(term)
                                     || c.Email.ToLower().Contains(term) || c.Mobile.Contains(term));
        }
        Contacts = await query.OrderBy(c => c.LastName).ThenBy(c => c.FirstName).Take(500).ToListAsync(ct);
    }
}
