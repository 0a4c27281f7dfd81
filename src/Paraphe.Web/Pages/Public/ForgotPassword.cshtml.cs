using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Web.Features.Agencies;

namespace Paraphe.Web.Pages.Public;

/// <summary>« Mot de passe oublié ? »: the same answer whether the address is known or not (<see cref="PasswordLinks"/>).</summary>
public sealed class ForgotPasswordModel(ParapheDbContext db, AccountLinks links, IOptions<AccountOptions> options) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    public bool Sent { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await PasswordLinks.RequestResetAsync(db, links, options.Value, Email, HttpContext, ct);
        Sent = true;
        return Page();
    }
}
