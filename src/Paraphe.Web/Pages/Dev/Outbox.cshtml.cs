using Microsoft.AspNetCore.Mvc;
using Paraphe.Data;
using Paraphe.Web.Features.DevOutbox;

namespace Paraphe.Web.Pages.Dev;

/// <summary>What the capture provider kept for this agency: exactly what clients would have received.</summary>
public sealed class OutboxModel(ParapheDbContext db) : AgentPageModel(db)
{
    [BindProperty(SupportsGet = true)] public string? To { get; set; }

    public IReadOnlyList<OutboxMessage> Messages { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Messages = await DevOutboxApi.ListAsync(Db, string.IsNullOrWhiteSpace(To) ? null : To.Trim(), 200, ct);
}
