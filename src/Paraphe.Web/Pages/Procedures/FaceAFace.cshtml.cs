using Microsoft.AspNetCore.Mvc;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Features.Sessions;
using Paraphe.Web.Features.Signing;

namespace Paraphe.Web.Pages.Procedures;

/// <summary>
/// « Maintenant en face à face »: the signers sign in turn on the agent's device, inside the agent's session,
/// through InPersonSigning. No invitation is sent; with `otp`, only the signing code goes to each signer's mobile.
/// </summary>
[Paraphe.Web.Platform.BodyLimit(Paraphe.Web.Platform.BodyLimit.Signature)]
public sealed class FaceAFaceModel(ParapheDbContext db, SigningLinks links, RequestOtp requestOtp) : AgentPageModel(db)
{
    [BindProperty(SupportsGet = true)] public string Id { get; set; } = "";
    [BindProperty] public string? SignerId { get; set; }
    [BindProperty] public bool Consent { get; set; }
    [BindProperty] public string? ConfirmedName { get; set; }
    [BindProperty] public string? SignatureImage { get; set; }
    [BindProperty] public string? TypedName { get; set; }
    /// <summary>Only a PNG data URL is ever written back into the page (sign.js draws it again).</summary>
    public string? KeptSignatureImage =>
        SignatureImage is { } s && s.StartsWith(Sign.IndexModel.PngPrefix, StringComparison.Ordinal) ? s : null;

    /// <summary>The SMS code typed; never written back into the page.</summary>
    [BindProperty] public string? Otp { get; set; }

    /// <summary>« 06 •• •• •• 78 » just after a code was sent.</summary>
    public string? OtpSentTo { get; private set; }

    /// <summary>The current signer already received a code: the button offers another one.</summary>
    public bool OtpAlreadySent => Current?.LatestCode is not null;

    public Procedure? Procedure { get; private set; }
    public IReadOnlyList<Signer> Signers { get; private set; } = [];
    public Signer? Current { get; private set; }

    /// <summary>Why this procedure cannot be signed here now (not in person, not launched, closed…).</summary>
    public string? Blocked { get; private set; }

    /// <summary>The session is locked to this page (<see cref="KioskSessions"/>): kiosk layout, no agency menu.</summary>
    public bool Kiosk { get; private set; }

    /// <summary>The agent's password, typed to leave the kiosk; never written back into the page.</summary>
    [BindProperty] public string? UnlockPassword { get; set; }
    public string? UnlockError { get; private set; }

    /// <summary>Leaves the kiosk with the agent's password (the session ends after too many wrong ones).</summary>
    public async Task<IActionResult> OnPostUnlockAsync(CancellationToken ct)
    {
        var result = await KioskSessions.UnlockAsync(Db, HttpContext, UnlockPassword, ct);
        switch (result.Outcome)
        {
            case KioskSessions.Outcome.Unlocked:
                SetFlash("Face à face terminé : l'appareil est de nouveau à vous.");
                return Redirect($"/procedures/{Uri.EscapeDataString(Id)}");
            case KioskSessions.Outcome.SessionEnded:
                return Redirect("/login");
            default:
                UnlockError = result.TriesLeft == 1
                    ? "Mot de passe incorrect. Encore 1 essai, puis la session sera fermée."
                    : $"Mot de passe incorrect. Encore {result.TriesLeft} essais, puis la session sera fermée.";
                Db.ChangeTracker.Clear();
                return await LoadAsync(ct);
        }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await AttemptAsync(() => LoadAsync(ct), () => Task.FromResult<IActionResult>(Page()));

    public async Task<IActionResult> OnPostSignAsync(CancellationToken ct) =>
        await AttemptAsync(async () =>
        {
            var signer = SignerId ?? "";
            var procedure = await InPersonSigning.SignAsync(Db, Id, signer,
                new InPersonSigning.Request(Consent, SignatureImage, TypedName, ConfirmedName, Otp), links.OtpKey, HttpContext, ct);
            var name = procedure.Signers.FirstOrDefault(s => s.Id == signer)?.DisplayName ?? "";
            var next = procedure.Signers.OrderBy(s => s.Order).FirstOrDefault(s => s.Status == SignerStatus.Pending);
            SetFlash(procedure.Status == ProcedureStatus.Completed || next is null
                ? $"Signature de {name} enregistrée. Tous les signataires ont signé."
                : $"Signature de {name} enregistrée. Passez l'appareil à {next.DisplayName}.");
            return Redirect($"/procedures/{Id}/face-a-face");
        }, () => LoadAsync(ct));

    /// <summary>Sends the current signer's code by SMS; the page comes back with the drawing, name and consent kept.</summary>
    public async Task<IActionResult> OnPostOtpAsync(CancellationToken ct) =>
        await AttemptAsync(async () =>
        {
            var sent = await requestOtp.HandleInPersonAsync(Id, SignerId ?? "", ct);
            OtpSentTo = sent.SentTo;
            return await LoadAsync(ct);
        }, () => LoadAsync(ct));

    private async Task<IActionResult> LoadAsync(CancellationToken ct)
    {
        var procedure = await ProcedureMapping.FindAsync(Db, Id, ct);
        Procedure = procedure;
        Signers = procedure.Signers.OrderBy(s => s.Order).ToList();
        Current = procedure.Status == ProcedureStatus.Ongoing ? Signers.FirstOrDefault(s => s.Status == SignerStatus.Pending) : null;
        if (procedure.Status != ProcedureStatus.Completed)
        {
            try
            {
                InPersonSigning.EnsureInPerson(procedure, Db.UtcNow);
            }
            catch (DomainException e)
            {
                Blocked = e.Message;
                Current = null;
            }
        }
        // Signing here on the agency's device: the session is locked to this page until the agent unlocks it.
        if (Current is not null && Blocked is null)
            await KioskSessions.LockAsync(Db, HttpContext, procedure.Id, ct);
        Kiosk = KioskSessions.LockedTo(HttpContext) == procedure.Id;
        // A new signer starts from a blank form; after a refusal the same signer keeps what was typed.
        if (Current is not null && SignerId != Current.Id)
        {
            (Consent, ConfirmedName, SignatureImage, TypedName) = (false, null, null, null);
            SignerId = Current.Id;
        }
        return Page();
    }
}
