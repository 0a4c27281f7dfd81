using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Pages.Sign;

/// <summary>
/// The signer's page, reached with the personal link (/sign/{token}); no account needed. It uses the same
/// use cases as the signing API (open, sign, decline) and never answers a bare 500 to the signer.
/// </summary>
[BodyLimit(BodyLimit.Signature), SigningTokenFirst, RenderedOnce]
[AllowAnonymous]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Platform.LinkRateLimits.SigningPolicy)]
public sealed class IndexModel(ParapheDbContext db, SigningLinks links, RequestOtp requestOtp, Features.Completion.DownloadLinks downloads,
    OpenedLinks opened) : PageModel
{
    public enum PageState { Form, AlreadySigned, Signed, Declined, Gone, NotFound }

    public const string PngPrefix = "data:image/png;base64,";

    public PageState State { get; private set; } = PageState.Form;
    public SigningView? View { get; private set; }
    public IReadOnlyList<SigningSnapshot.Line> Signers { get; private set; } = [];
    public string SignerName { get; private set; } = "";
    public string SignerRole { get; private set; } = "";
    public DateTime? SignedAt { get; private set; }
    public bool Completed { get; private set; }
    /// <summary>Where this signer's signature goes; null: the automatic block at the end of the document.</summary>
    public SignatureField? Field { get; private set; }

    /// <summary>Why the link no longer works (410), or why it was not found (404).</summary>
    public string? RefusalMessage { get; private set; }

    /// <summary>The error shown after a refused POST, and the section it belongs to ("sign" or "decline").</summary>
    public string? ErrorMessage { get; private set; }
    public IReadOnlyList<string> ErrorDetails { get; private set; } = [];
    public IReadOnlySet<string> ErrorFields { get; private set; } = new HashSet<string>();
    public string? ErrorSection { get; private set; }

    [BindProperty] public bool Consent { get; set; }
    /// <summary>The drawn signature as a PNG data URL (kept across a refused POST).</summary>
    [BindProperty] public string? SignatureImage { get; set; }
    [BindProperty] public string? TypedName { get; set; }
    /// <summary>The active tab: "draw" or "type"; empty without JavaScript (both are then sent).</summary>
    [BindProperty] public string? Method { get; set; }
    [BindProperty] public string? DeclineReason { get; set; }
    /// <summary>The second step of a refusal: without it, the page asks the signer to confirm (nothing is recorded).</summary>
    [BindProperty] public bool ConfirmDecline { get; set; }

    /// <summary>The refusal is written and waits for the signer's confirmation.</summary>
    public bool DeclineConfirming { get; private set; }

    /// <summary>The signed document for this signer, once sealed (see <see cref="SignedDocument"/>).</summary>
    public SignedDocumentOffer? SignedDocument { get; private set; }
    /// <summary>The SMS code typed (procedures with a code); never written back into the page.</summary>
    [BindProperty] public string? Otp { get; set; }

    /// <summary>« 06 •• •• •• 78 » just after a code was sent.</summary>
    public string? OtpSentTo { get; private set; }

    /// <summary>A code was already sent to this signer (even before a wrong or expired entry): offer another one.</summary>
    public bool OtpAlreadySent { get; private set; }

    public bool TypeTabActive => Method == "type";

    /// <summary>Only a PNG data URL is ever written back into the page.</summary>
    public string? KeptSignatureImage =>
        SignatureImage is { } s && s.StartsWith(PngPrefix, StringComparison.Ordinal) ? s : null;

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        Protect(Response);
        try
        {
            // Issue 12: an opened link is shown from memory after one indexed read (OpenedLinks); when its render is
            // to be kept (RenderedSigningPages), that read was made already and the page shows what it returned.
            var (snapshot, agencyName) = HttpContext.Features.Get<RenderedSigningPages.Capture>() is { } capture
                ? (capture.Snapshot, capture.AgencyName)
                : await opened.OpenAsync(db, token, HttpContext, ct);
            Show(snapshot, agencyName, token);
            State = snapshot.Signer.Status == SignerStatus.Signed ? PageState.AlreadySigned : PageState.Form;
            if (State == PageState.Form && snapshot.OtpLocked)
            {
                // Locked out of codes: say so now rather than after a drawing and a code typed for nothing.
                ErrorSection = "sign";
                ErrorMessage = Procedure.OtpLockedMessage;
            }
            return Page();
        }
        catch (DomainException e) when (e.Code is ErrorCodes.NotFound or ErrorCodes.LinkGone)
        {
            return await RefusedAsync(e, token, ct);
        }
    }

    public Task<IActionResult> OnPostSignAsync(string token, CancellationToken ct) => SubmitAsync(token, "sign", async session =>
    {
        var request = new SignDocument.Request(Consent, Otp,
            Method == "type" ? null : SignatureImage,
            Method == "draw" ? null : TypedName);
        var procedure = await SignDocument.HandleAsync(db, session, request, HttpContext, links.OtpKey, inPerson: false, ct);
        Completed = procedure.Status == ProcedureStatus.Completed;
        return PageState.Signed;
    }, ct);

    /// <summary>Sends a code by SMS and shows the form again with everything the signer already drew, typed or ticked.</summary>
    public Task<IActionResult> OnPostOtpAsync(string token, CancellationToken ct) => SubmitAsync(token, "otp", async session =>
    {
        OtpSentTo = (await requestOtp.HandleAsync(session, ct)).SentTo;
        return PageState.Form;
    }, ct);

    public Task<IActionResult> OnPostDeclineAsync(string token, CancellationToken ct) => SubmitAsync(token, "decline", async session =>
    {
        if (!ConfirmDecline)
        {
            // First step: nothing is recorded; the same page asks to confirm, the reason kept.
            if (string.IsNullOrWhiteSpace(DeclineReason))
                throw new DomainException(ErrorCodes.ValidationFailed, "Indiquez pourquoi vous refusez de signer.",
                    new Dictionary<string, string[]> { ["reason"] = ["Indiquez pourquoi vous refusez de signer."] });
            DeclineConfirming = true;
            return PageState.Form;
        }
        await DeclineSigning.HandleAsync(db, session, new DeclineSigning.Request(DeclineReason), ct);
        return PageState.Declined;
    }, ct);

    /// <summary>
    /// One form of the page: a link that no longer works shows why; a refusal or a concurrent change shows the form
    /// again in <paramref name="section"/> with the French message and everything the signer entered.
    /// </summary>
    private async Task<IActionResult> SubmitAsync(string token, string section, Func<SigningSession, Task<PageState>> act,
        CancellationToken ct)
    {
        Protect(Response);
        try
        {
            var (session, state) = await SigningSession.RunAsync(db, token, async s => (s, await act(s)), ct);
            await LoadAsync(session, token, ct);
            State = state;
            return Page();
        }
        catch (DomainException e) when (e.Code is ErrorCodes.NotFound or ErrorCodes.LinkGone)
        {
            return await RefusedAsync(e, token, ct);
        }
        catch (DomainException e)
        {
            return await ReshowAsync(token, section, e.Code, e.Message, e.Errors, ct);
        }
        catch (Exception e) when (DbErrors.IsConflict(e)) // a concurrent change the retries did not settle
        {
            return await ReshowAsync(token, section, Problems.ConcurrentUpdate, ConcurrentMessage, null, ct);
        }
    }

    private const string ConcurrentMessage =
        "La procédure a été modifiée au même moment par une autre personne. Vérifiez et recommencez.";

    /// <summary>Shows the form again with the French message, keeping what the signer entered.</summary>
    private async Task<IActionResult> ReshowAsync(string token, string section, string code, string message,
        IReadOnlyDictionary<string, string[]>? errors, CancellationToken ct)
    {
        db.ChangeTracker.Clear(); // forget anything half-applied; read the procedure as it is now
        SigningSession session;
        try
        {
            session = await SigningSession.ResolveAsync(db, token, ct);
            session.Procedure.EnsureOpenForSigning(db.UtcNow);
        }
        catch (DomainException e) when (e.Code is ErrorCodes.NotFound or ErrorCodes.LinkGone)
        {
            return await RefusedAsync(e, token, ct);
        }
        await LoadAsync(session, token, ct);
        if (session.Signer.Status == SignerStatus.Signed)
        {
            State = PageState.AlreadySigned;
            return Page();
        }
        State = PageState.Form;
        ErrorSection = section;
        ErrorMessage = message;
        var details = (errors ?? new Dictionary<string, string[]>()).Values.SelectMany(v => v).Distinct().ToList();
        ErrorDetails = details.Count > 1 ? details : [];
        ErrorFields = (errors ?? new Dictionary<string, string[]>()).Keys.ToHashSet();
        Response.StatusCode = Problems.StatusFor(code);
        return Page();
    }

    /// <summary>404 for an unknown link; 410, with the reason, when the procedure is over.</summary>
    private async Task<IActionResult> RefusedAsync(DomainException e, string token, CancellationToken ct)
    {
        RefusalMessage = e.Message;
        if (e.Code == ErrorCodes.NotFound)
        {
            State = PageState.NotFound;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        State = PageState.Gone;
        Response.StatusCode = StatusCodes.Status410Gone;
        try
        {
            // The link is known: name the agency and the document on the page.
            var session = await SigningSession.ResolveAsync(db, token, ct);
            await LoadAsync(session, token, ct);
        }
        catch (DomainException)
        {
            View = null;
        }
        return Page();
    }

    private async Task LoadAsync(SigningSession session, string token, CancellationToken ct)
    {
        Show(await SigningSnapshot.ReadAsync(db, session, ct), session.AgencyName, token);
        SignedDocument = session.Procedure.Status == ProcedureStatus.Completed
            ? await SignedDocumentOffer.ForAsync(db, downloads, session.Procedure.Id, session.Signer.Id, ct)
            : null;
    }

    private void Show(SigningSnapshot snapshot, string agencyName, string token)
    {
        View = snapshot.View(agencyName, token);
        SignerName = snapshot.SignerName;
        SignerRole = snapshot.Signer.Role;
        SignedAt = snapshot.SignedAt;
        Field = snapshot.Field;
        OtpAlreadySent = snapshot.OtpAlreadySent;
        Signers = snapshot.Lines;
    }

    /// <summary>The URL holds a secret: never cache the page, never send it as a referrer, never index it.</summary>
    public static void Protect(HttpResponse response)
    {
        var h = response.Headers;
        // What antiforgery sets for the page's forms anyway: with « no-cache » already there it does not log a warning
        // on every render (issue 12: that warning was 15 % of the page's time under load).
        h.CacheControl = "no-cache, no-store";
        h.Pragma = "no-cache";
        h["Referrer-Policy"] = "no-referrer";
        h["X-Robots-Tag"] = "noindex, nofollow";
        h.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; " +
                                  "worker-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private static readonly TimeZoneInfo Paris = FindParis();

    private static TimeZoneInfo FindParis()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.Utc; }
    }

    /// <summary>« 27 décembre 2026 à 18:05 », in French time.</summary>
    public static string FrenchDate(DateTime utc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Paris);
        return local.ToString("d MMMM yyyy 'à' HH:mm", French);
    }

    public static string StatusLabel(SignerStatus s) => s switch
    {
        SignerStatus.Signed => "signé",
        SignerStatus.Declined => "refusé",
        _ => "en attente",
    };

    public bool HasError(string field) => ErrorFields.Contains(field);
}
