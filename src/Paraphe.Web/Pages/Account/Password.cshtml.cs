using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Features.Sessions;

namespace Paraphe.Web.Pages.Account;

/// <summary>« Mon mot de passe »: any user changes theirs (the current one asked first); every session ends, this one too.</summary>
public sealed class PasswordModel(ParapheDbContext db, IOptions<LoginOptions> login) : AgentPageModel(db)
{
    [BindProperty] public string? Current { get; set; }
    [BindProperty] public string? NewPassword { get; set; }

    public int MinLength => login.Value.MinPasswordLength;

    public void OnGet() { }

    public Task<IActionResult> OnPostAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        var user = await Db.Users.AsNoTracking().FirstAsync(u => u.Id == UserId, ct);
        if (string.IsNullOrEmpty(Current) || !Passwords.Verify(user, Current))
            throw new DomainException(ErrorCodes.ValidationFailed, "Le mot de passe actuel n'est pas le bon.",
                new Dictionary<string, string[]> { ["current"] = ["Le mot de passe actuel n'est pas le bon."] });
        await ChangePassword.HandleAsync(Db, login.Value, user.Email, NewPassword, HttpContext, ct);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Redirect("/login?motdepasse=change");
    }, () => Task.FromResult<IActionResult>(Page()));
}
