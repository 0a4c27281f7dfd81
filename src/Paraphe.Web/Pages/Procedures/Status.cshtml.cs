using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Contacts;
using Paraphe.Domain.Documents;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Audit;
using Paraphe.Web.Features.Completion;
using Paraphe.Web.Features.Procedures;

namespace Paraphe.Web.Pages.Procedures;

/// <summary>
/// « Statut des signatures »: where each signer stands, each message and its delivery, the actions the life cycle
/// allows now, and the audit trail with its chain check. Every action calls the API's use case.
/// </summary>
[Paraphe.Web.Platform.BodyLimit(Paraphe.Web.Platform.BodyLimit.FileUpload)] // the mark-signed scan
public sealed class StatusModel(ParapheDbContext db, LaunchProcedure launcher, RelaunchProcedure relauncher, MarkSigned marker, Paraphe.Web.Outbox.OutboxSignal outbox,
    RemindSigner reminder, SendToNotary notary, SealingSignal sealingSignal)
    : AgentPageModel(db)
{
    public sealed class CorrectionRow
    {
        public string? SignerId { get; set; }
        public string? Email { get; set; }
        public string? Mobile { get; set; }
    }

    [BindProperty(SupportsGet = true)] public string Id { get; set; } = "";
    [BindProperty] public string? CancelReason { get; set; }
    [BindProperty] public string? RelaunchReason { get; set; }
    [BindProperty] public List<CorrectionRow> Corrections { get; set; } = [];
    [BindProperty] public IFormFile? Scan { get; set; }
    [BindProperty] public string? NotaryEmail { get; set; }
    /// <summary>`?corriger=1`: the page opens with « Corriger et relancer » unfolded (the contact page links here after an edit).</summary>
    [BindProperty(SupportsGet = true, Name = "corriger")] public string? Corriger { get; set; }

    public bool OpenCorrect => Corriger is "1" or "true";

    /// <summary>The corrected address offered when the notary's looks mistyped (gmial.com).</summary>
    public string? NotarySuggestion { get; private set; }

    public ProcedureResponse? Procedure { get; private set; }
    public AuditResponse? Audit { get; private set; }
    public Document? Document { get; private set; }
    public IReadOnlyDictionary<string, Contact> Contacts { get; private set; } = new Dictionary<string, Contact>();
    public IReadOnlyDictionary<string, string> UserNames { get; private set; } = new Dictionary<string, string>();
    public LaunchFailure? LaunchFailure { get; private set; }
    /// <summary>The clock the page is rendered at: the reminder button depends on it.</summary>
    public DateTime Now => Db.UtcNow;

    /// <summary>Which action form failed, so that it is shown open with what the agent typed.</summary>
    public string? FailedAction { get; private set; }

    /// <summary>`Corrections.Index` values with no fields bind as null rows: dropped before any handler (they were a 500).</summary>
    public override void OnPageHandlerExecuting(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context) =>
        Corrections.RemoveAll(r => r is null);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        LaunchFailure = LaunchFailure.Take(TempData);
        return await AttemptAsync(async () => await LoadAsync(ct), () => Task.FromResult<IActionResult>(Page()));
    }

    public Task<IActionResult> OnPostLaunchAsync(CancellationToken ct) => RunAsync("launch", async () =>
    {
        try
        {
            var p = await launcher.HandleAsync(Id, Actor, ct);
            SetFlash(Labels.LaunchedMessage(p.Mode));
            return Redirect(p.Mode == ProcedureMode.InPerson ? $"/procedures/{p.Id}/face-a-face" : $"/procedures/{p.Id}");
        }
        catch (DomainException e) when (e.Errors.Count > 0)
        {
            // The draft stays: it reopens on its form, each error beside the signer or field it concerns.
            Db.ChangeTracker.Clear();
            new NewModel.FormErrors("La procédure reste en brouillon et ne peut pas être lancée : corrigez les champs signalés.", e.Code,
                NewModel.RowKeys(e.Errors)).Keep(TempData);
            return Redirect($"/procedures/new?brouillon={Id}");
        }
    }, ct);

    public Task<IActionResult> OnPostCancelAsync(CancellationToken ct) => RunAsync("cancel", async () =>
    {
        await CancelProcedure.HandleAsync(Db, outbox, Id, Actor, new CancelProcedure.Request(CancelReason), ct);
        SetFlash("Procédure annulée. Les liens de signature ne fonctionnent plus.");
        return Redirect($"/procedures/{Id}");
    }, ct);

    /// <summary>« Corriger et relancer »: corrections saved to the contacts, old cancelled if ongoing, new launched; one step.</summary>
    public Task<IActionResult> OnPostCorrectAsync(CancellationToken ct) => RunAsync("correct", async () =>
    {
        var old = await ProcedureMapping.FindAsync(Db, Id, ct);
        var current = await ContactsOfAsync(old, ct);
        var corrections = Corrections
            .Select(c => (Row: c, Signer: old.Signers.FirstOrDefault(s => s.Id == c.SignerId)))
            .Where(x => x.Signer?.ContactId is not null && current.ContainsKey(x.Signer.ContactId))
            .Select(x =>
            {
                var contact = current[x.Signer!.ContactId!];
                var email = Changed(x.Row.Email, contact.Email);
                var mobile = Changed(x.Row.Mobile, contact.Mobile);
                return new RelaunchProcedure.Correction(x.Signer.Id, email, mobile);
            })
            .Where(c => c.Email is not null || c.Mobile is not null)
            .ToList();
        return await RelaunchAsync(old, corrections, launch: true, ct);
    }, ct);

    /// <summary>« Relancer » a cancelled, declined or expired procedure as it is (launch = false makes a draft).</summary>
    public Task<IActionResult> OnPostRelaunchAsync(bool launch, CancellationToken ct) => RunAsync("relaunch", async () =>
    {
        var old = await ProcedureMapping.FindAsync(Db, Id, ct);
        return await RelaunchAsync(old, [], launch, ct);
    }, ct);

    /// <summary>« Relancer par email et SMS » one signer; the server refuses inside the 2-day window.</summary>
    public Task<IActionResult> OnPostRemindAsync(string signerId, CancellationToken ct) => RunAsync("remind", async () =>
    {
        var (p, outcome) = await reminder.HandleAsync(Id, signerId, Actor, ct);
        var s = p.Signer(signerId);
        // « Relance envoyée par SMS uniquement : l'adresse email n'existe pas. » when a channel is known bad.
        SetFlash(outcome.Note is { } note
            ? $"{note} Prochaine relance de {s.DisplayName} possible le {Labels.When(s.NextManualReminderAt)}."
            : $"Relance envoyée à {s.DisplayName} par email et SMS. Prochaine relance possible le {Labels.When(s.NextManualReminderAt)}.");
        return Redirect($"/procedures/{Id}");
    }, ct);

    public Task<IActionResult> OnPostMarkSignedAsync(CancellationToken ct) => RunAsync("mark", async () =>
    {
        await marker.HandleAsync(Id, Actor, Scan, ct);
        SetFlash("Procédure marquée comme signée.");
        return Redirect($"/procedures/{Id}");
    }, ct);

    /// <summary>The sealed PDF, for the agent (the same file as `GET /api/v1/procedures/{id}/signed-document`).</summary>
    public async Task<IActionResult> OnGetSignedDocumentAsync(CancellationToken ct) => await AttemptAsync(async () =>
    {
        var procedure = await ProcedureMapping.FindAsync(Db, Id, ct);
        var document = await SignedDocumentApi.FindAsync(Db, procedure, ct);
        Features.Documents.ServedFiles.Protect(Response, carriesToken: false);
        var files = HttpContext.RequestServices.GetRequiredService<Paraphe.Web.Platform.Storage.StoredFiles>();
        return File(await files.OpenAsync(document, ct), "application/pdf", SignedDocumentApi.FileName(procedure.Title));
    }, async () => await LoadAsync(ct));

    /// <summary>« Relancer le scellement » after a failed seal (the same use case as `POST …/sealing/retry`).</summary>
    public Task<IActionResult> OnPostRetrySealingAsync(CancellationToken ct) => RunAsync("retry-sealing", async () =>
    {
        await RetrySealing.HandleAsync(Db, sealingSignal, Id, Actor, ct);
        SetFlash("Scellement relancé. Le document signé sera prêt dans quelques instants (cette page se met à jour toute seule).");
        return Redirect($"/procedures/{Id}");
    }, ct);

    public Task<IActionResult> OnPostNotaryAsync(CancellationToken ct) => RunAsync("notary", async () =>
    {
        try
        {
            await notary.HandleAsync(Id, new SendToNotary.Request(NotaryEmail), Actor, ct);
        }
        catch (DomainException e) when (e.Extensions.TryGetValue("suggestion", out var s) && s is string suggestion)
        {
            NotarySuggestion = suggestion;
            throw;
        }
        SetFlash($"Lien du document signé envoyé au notaire ({NotaryEmail?.Trim()}). Suivez sa remise ci-dessous.");
        return Redirect($"/procedures/{Id}");
    }, ct);

    private async Task<IActionResult> RelaunchAsync(Procedure old, List<RelaunchProcedure.Correction> corrections, bool launch, CancellationToken ct)
    {
        var order = old.Signers.OrderBy(s => s.Order).ToList();
        try
        {
            var next = await relauncher.HandleAsync(old.Id, Actor, new RelaunchProcedure.Request(launch, corrections, RelaunchReason), ct);
            SetFlash(launch
                ? "Nouvelle procédure, qui remplace la précédente. " + Labels.LaunchedMessage(next.Mode)
                : "Nouvelle procédure créée en brouillon, avec les mêmes document et signataires.");
            return Redirect($"/procedures/{next.Id}");
        }
        catch (DomainException e) when (e.Errors.Keys.Any(k => k.StartsWith("signers[", StringComparison.Ordinal)))
        {
            // Nothing was saved; say which signer stops the new launch.
            LaunchFailure = LaunchFailure.From(e, order) with { DraftKept = false };
            throw;
        }
    }

    private async Task<IActionResult> RunAsync(string action, Func<Task<IActionResult>> run, CancellationToken ct) =>
        await AttemptAsync(run, async () =>
        {
            FailedAction = action;
            return await LoadAsync(ct);
        });

    private async Task<IActionResult> LoadAsync(CancellationToken ct)
    {
        Procedure? procedure;
        try
        {
            procedure = await ProcedureMapping.FindAsync(Db, Id, ct);
        }
        catch (DomainException e) when (e.Code == ErrorCodes.NotFound)
        {
            Show(e);
            Procedure = null;
            Response.StatusCode = StatusCodes.Status404NotFound; // another agency's procedure looks like none
            return Page();
        }
        Procedure = await procedure.ToResponseAsync(Db, ct);
        Audit = await AuditApi.VerifyAsync(Db, procedure.Id, ct, rehashStoredDocument: false); // issue 12: no 26 MB read per render
        Document = await Db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == procedure.DocumentId, ct);
        Contacts = await ContactsOfAsync(procedure, ct);
        UserNames = await Db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        if (Corrections.Count == 0)
            Corrections = procedure.Signers.OrderBy(s => s.Order).Select(s => new CorrectionRow
            {
                SignerId = s.Id,
                Email = s.ContactId is { } c && Contacts.TryGetValue(c, out var contact) ? contact.Email : s.Email,
                Mobile = s.ContactId is { } c2 && Contacts.TryGetValue(c2, out var contact2) ? contact2.Mobile : s.Mobile,
            }).ToList();
        return Page();
    }

    private async Task<Dictionary<string, Contact>> ContactsOfAsync(Procedure p, CancellationToken ct)
    {
        var ids = p.Signers.Select(s => s.ContactId).OfType<string>().ToList();
        return await Db.Contacts.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
    }

    private static string? Changed(string? typed, string current) =>
        typed is null || string.Equals(typed.Trim(), current, StringComparison.Ordinal) ? null : typed.Trim();

    /// <summary>Who did it, in words: an agent's name, a signer's name, or Paraphe itself.</summary>
    public string ActorName(string actor)
    {
        var (kind, id) = actor.Split(':', 2) is [var k, var v] ? (k, v) : (actor, "");
        return kind switch
        {
            "user" => UserNames.TryGetValue(id, out var name) ? name : "Agent",
            "signer" => Procedure?.Signers.FirstOrDefault(s => s.Id == id) is { } s ? $"{s.FirstName} {s.LastName} (signataire)" : "Signataire",
            "api_key" => "API (clé de l'agence)",
            "system" => "Paraphe (automatique)",
            "link" => Procedure?.Notifications.Concat(Procedure.Signers.SelectMany(x => x.Notifications)).FirstOrDefault(n => n.Id == id) is { } n
                ? $"Lien de téléchargement de {Paraphe.Domain.Contacts.PhoneDisplay.Format(n.To)}" : "Lien de téléchargement",
            _ => Labels.Provider(actor),
        };
    }
}
