using Microsoft.AspNetCore.Mvc;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Pages.Procedures;

/// <summary>The agency's procedures, filtered by status tab and searched by title or signer name.</summary>
public sealed class IndexModel(ParapheDbContext db) : AgentPageModel(db)
{
    public static readonly IReadOnlyList<(string? Status, string Label)> Tabs =
    [
        (null, "Toutes"), ("draft", "Brouillons"), ("ongoing", "En cours"), ("completed", "Terminées"),
        ("declined", "Refusées"), ("cancelled", "Annulées"), ("expired", "Expirées"),
    ];

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Paged<Procedure> Result { get; private set; } = new([], 1, 50, 0);

    public async Task OnGetAsync(CancellationToken ct)
    {
        try
        {
            Result = await Paged<Procedure>.OfAsync(ListProcedures.Query(Db, Status, Q), PageNumber, 50, p => p, ct);
        }
        catch (DomainException e)
        {
            Show(e);
            Status = null;
            Result = await Paged<Procedure>.OfAsync(ListProcedures.Query(Db, null, Q), PageNumber, 50, p => p, ct);
        }
    }

    public string TabUrl(string? status) =>
        "/procedures" + QueryString.Create(new Dictionary<string, string?> { ["status"] = status, ["q"] = string.IsNullOrWhiteSpace(Q) ? null : Q }
            .Where(kv => kv.Value is not null));

    public string PageUrl(int page) =>
        "/procedures" + QueryString.Create(new Dictionary<string, string?> { ["status"] = Status, ["q"] = Q, ["page"] = page.ToString(Labels.Fr) }
            .Where(kv => !string.IsNullOrWhiteSpace(kv.Value)));
}
