using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Features.Sessions;

namespace Paraphe.Web.Pages;

/// <summary>Email + password (<see cref="LogIn"/>: throttled and journalled); the cookie carries a server-side session.</summary>
public sealed class LoginModel(ParapheDbContext db, IOptions<LoginOptions> options) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public string? ErrorMessage { get; private set; }

    /// <summary>After a password was chosen, reset or changed (`?motdepasse=`).</summary>
    [BindProperty(SupportsGet = true, Name = "motdepasse")] public string? PasswordEvent { get; set; }

    public string? PasswordNotice => PasswordEvent switch
    {
        "choisi" => "Votre mot de passe est enregistré : connectez-vous.",
        "change" => "Votre mot de passe est changé et vos sessions sont fermées : connectez-vous avec le nouveau.",
        _ => null,
    };
    public bool DemoExists { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => DemoExists = await DemoExistsAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await LogIn.HandleAsync(db, options.Value, Email, Password, HttpContext, ct);
        if (result.Principal is null)
        {
            ErrorMessage = result.Error;
            DemoExists = await DemoExistsAsync(ct);
            return Page();
        }
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, result.Principal,
            new AuthenticationProperties { IsPersistent = true });
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/procedures");
    }

    private async Task<bool> DemoExistsAsync(CancellationToken ct) => DemoAgency.IsOn(HttpContext.RequestServices)
        && await db.Users.IgnoreQueryFilters().AnyAsync(u => u.Email == DemoAgency.Email, ct);
}
