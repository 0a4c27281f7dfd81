using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Pages;

/// <summary>
/// What every agent page shares: the agency and actor of the session, and the display of a refused action
/// (the domain's French message, plus per-field errors) instead of an error page.
/// </summary>
public abstract class AgentPageModel(ParapheDbContext db) : PageModel
{
    private const string FlashKey = "flash";
    private const string FlashWarningKey = "flash-warning";
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    protected ParapheDbContext Db => db;

    public string AgencyId => User.AgencyId();
    public string Actor => User.Actor();
    public string? UserId => User.FindFirstValue(ParapheClaims.UserId);

    /// <summary>The refusal to show at the top of the form.</summary>
    public string? ErrorMessage { get; private set; }
    public string? ErrorCode { get; private set; }
    public IReadOnlyDictionary<string, string[]> FieldErrors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>A one-line confirmation carried over a redirect.</summary>
    public string? Flash => TempData[FlashKey] as string;

    /// <summary>A confirmation that also asks for something (never shown in green).</summary>
    public string? FlashWarning => TempData[FlashWarningKey] as string;

    protected void SetFlash(string message) => TempData[FlashKey] = message;

    protected void SetWarning(string message) => TempData[FlashWarningKey] = message;

    protected void Show(DomainException e)
    {
        ErrorCode = e.Code;
        ErrorMessage = e.Message;
        FieldErrors = e.Errors;
    }

    /// <summary>
    /// Runs a use case; a domain refusal or a concurrent change is shown on the page. The tracked entities
    /// are dropped so the page is rebuilt from what the database really holds.
    /// </summary>
    protected async Task<IActionResult> AttemptAsync(Func<Task<IActionResult>> action, Func<Task<IActionResult>> onRefused)
    {
        try
        {
            return await action();
        }
        catch (DomainException e)
        {
            Show(e);
        }
        catch (Exception e) when (DbErrors.IsConflict(e))
        {
            Show(new DomainException(Problems.ConcurrentUpdate,
                "La procédure a été modifiée en même temps par une autre action. Vérifiez son statut et recommencez."));
        }
        db.ChangeTracker.Clear();
        return await onRefused();
    }

    public string? ErrorFor(string key) =>
        FieldErrors.TryGetValue(key, out var messages) && messages.Length > 0 ? string.Join(" ", messages) : null;

    /// <summary>`<p class="field-error">…</p>` under a field, or nothing.</summary>
    public IHtmlContent FieldError(string key) =>
        ErrorFor(key) is { } message
            ? new HtmlString($"<p class=\"field-error\" data-testid=\"field-error\" data-field=\"{Html.Encode(key)}\">{Html.Encode(message)}</p>")
            : HtmlString.Empty;
}
