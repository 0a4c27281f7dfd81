using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Domain.Agencies;
using Paraphe.Web.Features.Agencies;

namespace Paraphe.Web.Pages.Settings;

/// <summary>The agency's users: invite by email, role, signing authority, deactivate.</summary>
public sealed class UsersModel(ParapheDbContext db, AccountLinks links, IOptions<AccountOptions> options) : DirectorPageModel(db)
{
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string Role { get; set; } = UserRoles.Agent;
    [BindProperty] public bool SigningAuthority { get; set; }

    public IReadOnlyList<User> Users { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public Task<IActionResult> OnPostInviteAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        var user = await InviteUser.HandleAsync(Db, links, options.Value, HttpContext, User,
            new InviteUser.Request(Email, FirstName, LastName, Role, SigningAuthority), ct);
        SetFlash($"Invitation envoyée à {user.Email} : le lien pour choisir un mot de passe est valable {options.Value.InvitationValidity.TotalDays:0} jours.");
        return RedirectToPage();
    }, ReloadAsync(ct));

    public Task<IActionResult> OnPostUpdateAsync(string id, string? role, bool signingAuthority, CancellationToken ct) => AttemptAsync(async () =>
    {
        var user = await UpdateUser.HandleAsync(Db, HttpContext, User, id, new UpdateUser.Request(null, null, role, signingAuthority), ct);
        SetFlash($"{user.DisplayName} : modifications enregistrées.");
        return RedirectToPage();
    }, ReloadAsync(ct));

    public Task<IActionResult> OnPostDeactivateAsync(string id, CancellationToken ct) => AttemptAsync(async () =>
    {
        var user = await DeactivateUser.HandleAsync(Db, HttpContext, User, id, ct);
        SetFlash($"{user.DisplayName} est désactivé(e) : ses sessions sont fermées et il (elle) ne peut plus se connecter.");
        return RedirectToPage();
    }, ReloadAsync(ct));

    public Task<IActionResult> OnPostResendAsync(string id, CancellationToken ct) => AttemptAsync(async () =>
    {
        var user = await InviteUser.ResendAsync(Db, links, options.Value, HttpContext, User, id, ct);
        SetFlash($"Nouvelle invitation envoyée à {user.Email} ; le lien précédent ne fonctionne plus.");
        return RedirectToPage();
    }, ReloadAsync(ct));

    private Func<Task<IActionResult>> ReloadAsync(CancellationToken ct) => async () =>
    {
        await LoadAsync(ct);
        return Page();
    };

    private async Task LoadAsync(CancellationToken ct) =>
        Users = await Db.Users.AsNoTracking().OrderBy(u => u.DeactivatedAt != null).ThenBy(u => u.LastName).ThenBy(u => u.FirstName).ToListAsync(ct);
}
