using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Pages;

/// <summary>Email + password; the agent's cookie carries the agency and the user.</summary>
public sealed class LoginModel(ParapheDbContext db) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public string? ErrorMessage { get; private set; }
    public bool DemoExists { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => DemoExists = await DemoExistsAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var email = Email?.Trim().ToLowerInvariant() ?? "";
        // No tenant yet: the user is looked up across agencies, by its unique email.
        var user = email.Length == 0 ? null
            : await db.Users.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(u => u.Email == email, ct);
        if (user is null || string.IsNullOrEmpty(Password) || !Passwords.Verify(user, Password))
        {
            ErrorMessage = "Email ou mot de passe incorrect.";
            DemoExists = await DemoExistsAsync(ct);
            return Page();
        }
        var agency = await db.Agencies.AsNoTracking().FirstAsync(a => a.Id == user.AgencyId, ct);
        var identity = new ClaimsIdentity(
        [
            new Claim(ParapheClaims.AgencyId, user.AgencyId),
            new Claim(ParapheClaims.UserId, user.Id),
            new Claim(ClaimTypes.Name, user.DisplayName.Length > 0 ? user.DisplayName : user.Email),
            new Claim(ClaimTypes.Email, user.Email),
            new Claim(UiSetup.AgencyNameClaim, agency.Name),
        ], CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { IsPersistent = true });
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/procedures");
    }

    private async Task<bool> DemoExistsAsync(CancellationToken ct) => DemoAgency.IsOn(HttpContext.RequestServices)
        && await db.Users.IgnoreQueryFilters().AnyAsync(u => u.Email == DemoAgency.Email, ct);
}
