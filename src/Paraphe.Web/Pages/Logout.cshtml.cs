using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Paraphe.Data;
using Paraphe.Web.Features.Sessions;

namespace Paraphe.Web.Pages;

/// <summary>POST only (with the antiforgery token): ends the server-side session, so every copy of the cookie dies.</summary>
public sealed class LogoutModel(ParapheDbContext db) : PageModel
{
    public IActionResult OnGet() => Redirect("/procedures");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await AgentSessions.EndAsync(db, User, HttpContext, ct);
        await db.SaveChangesAsync(ct);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Redirect("/login");
    }
}
