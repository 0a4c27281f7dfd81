using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Features.Sessions;

namespace Paraphe.Web.Pages.Public;

/// <summary>The page behind an invitation's or a reset's one-time link: choose a password, then log in.</summary>
public sealed class SetPasswordModel(ParapheDbContext db, IOptions<LoginOptions> login) : PageModel
{
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string? Confirm { get; set; }

    public string? Email { get; private set; }
    public bool Invitation { get; private set; }
    public bool Gone { get; private set; }
    public string? Error { get; private set; }
    public int MinLength => login.Value.MinPasswordLength;

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        Response.Headers["Referrer-Policy"] = "no-referrer";
        await PeekAsync(token, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken ct)
    {
        await PeekAsync(token, ct);
        if (Gone) return Page();
        if (Password != Confirm) { Error = "Les deux mots de passe ne sont pas identiques."; return Page(); }
        try
        {
            if (!await PasswordLinks.CompleteAsync(db, login.Value, token, Password, HttpContext, ct)) { Gone = true; return Page(); }
        }
        catch (DomainException e)
        {
            db.ChangeTracker.Clear();
            Error = e.Message;
            return Page();
        }
        return Redirect("/login?motdepasse=" + (Invitation ? "choisi" : "change"));
    }

    private async Task PeekAsync(string token, CancellationToken ct)
    {
        var found = await PasswordLinks.PeekAsync(db, token, ct);
        Gone = found is null;
        Email = found?.Email;
        Invitation = found?.Kind == AccountTokenKinds.Invitation;
    }
}
