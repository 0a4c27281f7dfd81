using Microsoft.AspNetCore.Mvc;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Web.Features.Agencies;

namespace Paraphe.Web.Pages.Settings;

/// <summary>The agency's API keys: create (shown once, on this answer only), revoke, see when each was last used.</summary>
public sealed class ApiKeysModel(ParapheDbContext db) : DirectorPageModel(db)
{
    [BindProperty] public string? Name { get; set; }

    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];

    /// <summary>The key just created: shown on this page once, never stored in clear.</summary>
    public ManageApiKeys.CreatedKey? Created { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Keys = await ManageApiKeys.ListAsync(Db, AgencyId, ct);

    public Task<IActionResult> OnPostCreateAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        Created = await ManageApiKeys.CreateAsync(Db, HttpContext, User, new ManageApiKeys.CreateRequest(Name), ct);
        Name = null;
        Keys = await ManageApiKeys.ListAsync(Db, AgencyId, ct);
        Response.Headers.CacheControl = "no-store";
        return Page(); // not a redirect: the key must not travel through TempData or the history
    }, ReloadAsync(ct));

    public Task<IActionResult> OnPostRevokeAsync(string id, CancellationToken ct) => AttemptAsync(async () =>
    {
        var key = await ManageApiKeys.RevokeAsync(Db, HttpContext, User, id, ct);
        SetFlash($"Clé « {key.Name} » révoquée : elle est refusée dès maintenant.");
        return RedirectToPage();
    }, ReloadAsync(ct));

    private Func<Task<IActionResult>> ReloadAsync(CancellationToken ct) => async () =>
    {
        Keys = await ManageApiKeys.ListAsync(Db, AgencyId, ct);
        return Page();
    };
}
