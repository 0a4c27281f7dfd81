using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data.Configurations;
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
    /// <summary>« À corriger »: only the procedures that need the agent.</summary>
    [BindProperty(SupportsGet = true, Name = "a_corriger")] public bool ToFix { get; set; }

    public Paged<Procedure> Result { get; private set; } = new([], 1, 50, 0);

    /// <summary>The procedures of this page that need the agent (the badge « À corriger »).</summary>
    public IReadOnlySet<string> NeedingAgent { get; private set; } = new HashSet<string>();

    /// <summary>How many of the agency's procedures need the agent, whatever the tab.</summary>
    public int ToFixCount { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        try
        {
            Result = await Paged<Procedure>.OfAsync(ListProcedures.Query(Db, Status, Q, ToFix ? true : null), PageNumber, 50, p => p, ct);
        }
        catch (DomainException e)
        {
            Show(e);
            Status = null;
            Result = await Paged<Procedure>.OfAsync(ListProcedures.Query(Db, null, Q, ToFix ? true : null), PageNumber, 50, p => p, ct);
        }
        var ids = Result.Items.Select(p => p.Id).ToList();
        NeedingAgent = (await Db.Procedures.Where(p => ids.Contains(p.Id) && EF.Property<bool>(p, ProcedureAttention.Column))
            .Select(p => p.Id).ToListAsync(ct)).ToHashSet();
        ToFixCount = await Db.Procedures.CountAsync(p => EF.Property<bool>(p, ProcedureAttention.Column), ct);
    }

    public string TabUrl(string? status) =>
        "/procedures" + QueryString.Create(new Dictionary<string, string?> { ["status"] = status, ["q"] = string.IsNullOrWhiteSpace(Q) ? null : Q }
            .Where(kv => kv.Value is not null));

    /// <summary>The « À corriger » filter switched on or off, keeping the search.</summary>
    public string ToFixUrl(bool on) =>
        "/procedures" + QueryString.Create(new Dictionary<string, string?>
            { ["a_corriger"] = on ? "true" : null, ["q"] = string.IsNullOrWhiteSpace(Q) ? null : Q }.Where(kv => kv.Value is not null));

    public string PageUrl(int page) =>
        "/procedures" + QueryString.Create(new Dictionary<string, string?>
            { ["status"] = Status, ["q"] = Q, ["a_corriger"] = ToFix ? "true" : null, ["page"] = page.ToString(Labels.Fr) }
            .Where(kv => !string.IsNullOrWhiteSpace(kv.Value)));
}
