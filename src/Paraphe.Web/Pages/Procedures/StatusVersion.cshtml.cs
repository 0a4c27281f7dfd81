using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;

namespace Paraphe.Web.Pages.Procedures;

/// <summary>
/// What the « Statut des signatures » page polls to update itself: a short fingerprint of the procedure that
/// changes whenever the procedure or one of its messages does (a delivery event, an opened link, a signature).
/// </summary>
public sealed class StatusVersionModel(ParapheDbContext db) : AgentPageModel(db)
{
    [BindProperty(SupportsGet = true)] public string Id { get; set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        return await LiveVersion.ForAsync(Db, Id, ct) is { } version
            ? new JsonResult(new { version })
            : NotFound();
    }
}

public static class LiveVersion
{
    /// <summary>The procedure's version and its messages' last changes, or null when the agency has no such procedure.</summary>
    public static async Task<string?> ForAsync(ParapheDbContext db, string procedureId, CancellationToken ct)
    {
        var version = await db.Procedures.AsNoTracking().Where(p => p.Id == procedureId)
            .Select(p => (int?)p.Version).FirstOrDefaultAsync(ct);
        if (version is null) return null;
        var updates = await db.Notifications.AsNoTracking().Where(n => n.ProcedureId == procedureId)
            .Select(n => n.UpdatedAt).ToListAsync(ct);
        var last = updates.Count == 0 ? 0 : updates.Max().Ticks;
        return FormattableString.Invariant($"{version}.{updates.Count}.{last}");
    }
}
