using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Contacts;
using Paraphe.Domain.Documents;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Procedures;

namespace Paraphe.Web.Pages.Procedures;

/// <summary>
/// A new procedure with CreateProcedure; « Lancer » then calls LaunchProcedure. A refused launch keeps the draft
/// and shows, on its status page, what to fix per signer.
/// </summary>
public sealed class NewModel(ParapheDbContext db, LaunchProcedure launcher) : AgentPageModel(db)
{
    public sealed class SignerRow
    {
        /// <summary>`contact:ctc_…` or `user:usr_…`.</summary>
        public string? Who { get; set; }
        public string? Role { get; set; }
        /// <summary>« auto » (the block at the end of the document) or « document » (the box below).</summary>
        public string? Placement { get; set; }
        // Strings read with the invariant culture: number inputs post « 207.5 », which the page's French culture would refuse.
        public string? Page { get; set; }
        public string? X { get; set; }
        public string? Y { get; set; }
        public string? Width { get; set; }
        public string? Height { get; set; }

        /// <summary>The agent chose a place on the document (or, without the choice posted, gave a box).</summary>
        public bool PlacedOnDocument => Placement == "document" || (Placement is null && !string.IsNullOrWhiteSpace(Page));
    }

    [BindProperty(SupportsGet = true)] public string? DocumentId { get; set; }
    [BindProperty] public string Mode { get; set; } = "remote";
    [BindProperty] public bool Otp { get; set; }
    [BindProperty] public int? ExpiresInDays { get; set; } = ProcedureRules.DefaultExpiryDays;
    [BindProperty] public int? ReminderIntervalDays { get; set; } = ProcedureRules.DefaultReminderIntervalDays;
    [BindProperty] public int? ReminderMax { get; set; } = ProcedureRules.DefaultReminderMax;
    /// <summary>Rows posted with `Signers.Index` keys, so rows added or removed in the browser still bind.</summary>
    [BindProperty] public List<SignerRow> Signers { get; set; } = [];

    public IReadOnlyList<Document> Documents { get; private set; } = [];
    public IReadOnlyList<Contact> Contacts { get; private set; } = [];
    public IReadOnlyList<User> AgencySigners { get; private set; } = [];

    /// <summary>
    /// `Signers.Index` values with no fields (a forged or truncated form) bind as null rows: dropped before any handler,
    /// so that neither the request nor the page shown again meets one (it was a 500).
    /// </summary>
    public override void OnPageHandlerExecuting(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context) =>
        Signers.RemoveAll(r => r is null);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Signers = [new SignerRow { Role = "vendeur" }, new SignerRow { Role = "acquéreur" }];
        // The agency's defaults (Paramètres de l'agence), which the agent may change for this procedure.
        var agency = await Db.Agencies.AsNoTracking().FirstAsync(a => a.Id == AgencyId, ct);
        (ExpiresInDays, ReminderIntervalDays, ReminderMax) = (agency.DefaultExpiresInDays, agency.DefaultReminderIntervalDays, agency.DefaultReminderMax);
        await LoadChoicesAsync(ct);
    }

    public Task<IActionResult> OnPostDraftAsync(CancellationToken ct) => SaveAsync(launch: false, ct);

    public Task<IActionResult> OnPostLaunchAsync(CancellationToken ct) => SaveAsync(launch: true, ct);

    private async Task<IActionResult> SaveAsync(bool launch, CancellationToken ct) =>
        await AttemptAsync(async () =>
        {
            var procedure = await CreateProcedure.HandleAsync(Db, AgencyId, Actor, ToRequest(), ct);
            if (!launch)
            {
                SetFlash("Brouillon enregistré. Vous pouvez le lancer quand il est prêt.");
                return Redirect($"/procedures/{procedure.Id}");
            }
            try
            {
                await launcher.HandleAsync(procedure.Id, Actor, ct);
                SetFlash(Labels.LaunchedMessage(procedure.Mode));
                if (procedure.Mode == ProcedureMode.InPerson) return Redirect($"/procedures/{procedure.Id}/face-a-face");
            }
            catch (DomainException e)
            {
                // The draft is saved: keep it and say, per signer, what stops the launch.
                LaunchFailure.From(e, procedure.Signers).Keep(TempData);
                Db.ChangeTracker.Clear();
            }
            return Redirect($"/procedures/{procedure.Id}");
        }, async () =>
        {
            await LoadChoicesAsync(ct);
            return Page();
        });

    private CreateProcedure.Request ToRequest()
    {
        var signers = new List<CreateProcedure.SignerRequest>();
        var fieldErrors = new Dictionary<string, string[]>();
        foreach (var (row, index) in Signers.Select((r, i) => (r, i)).Where(x => !string.IsNullOrWhiteSpace(x.r.Who)))
        {
            var field = row.Placement == "auto" ? null : ToField(row);
            if (row.Placement == "document" && field is null)
                fieldErrors[$"row[{index}].field"] = [$"Signataire {index + 1} : cliquez sur une page du document pour placer sa signature (ou renseignez la page, x, y, largeur et hauteur), ou choisissez « automatique »."];
            else if (row.Placement is null && field is null && HasAny(row))
                fieldErrors[$"row[{index}].field"] = [$"Signataire {index + 1} : emplacement incomplet ou illisible : renseignez la page, x, y, largeur et hauteur, ou laissez tout vide (placement automatique)."];
            var (kind, id) = row.Who!.Split(':', 2) is [var k, var v] ? (k, v) : ("", "");
            signers.Add(new CreateProcedure.SignerRequest(kind == "contact" ? id : null, kind == "user" ? id : null, row.Role, field));
        }
        if (fieldErrors.Count > 0)
            throw new DomainException(ErrorCodes.ValidationFailed, "Un emplacement de signature est incomplet.", fieldErrors);
        var mode = Mode;
        return new CreateProcedure.Request(DocumentId, mode, mode is "remote" or "in_person" && Otp, ExpiresInDays,
            new CreateProcedure.ReminderRequest(ReminderIntervalDays, ReminderMax), signers);
    }

    /// <summary>The box in PDF points when its five numbers are given and readable (« 207.5 » or « 207,5 »).</summary>
    private static FieldDto? ToField(SignerRow r)
    {
        static double? Number(string? s) =>
            double.TryParse(s?.Trim().Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;
        return (Number(r.Page), Number(r.X), Number(r.Y), Number(r.Width), Number(r.Height)) is ({ } page, { } x, { } y, { } width, { } height)
               && page == Math.Floor(page) && page is >= 1 and <= int.MaxValue
            ? new FieldDto((int)page, x, y, width, height)
            : null;
    }

    private static bool HasAny(SignerRow r) => new[] { r.Page, r.X, r.Y, r.Width, r.Height }.Any(v => !string.IsNullOrWhiteSpace(v));

    private async Task LoadChoicesAsync(CancellationToken ct)
    {
        Documents = await Db.Documents.AsNoTracking().Where(d => d.Kind != "scan").OrderByDescending(d => d.CreatedAt).Take(200).ToListAsync(ct);
        Contacts = await Db.Contacts.AsNoTracking().OrderBy(c => c.LastName).ThenBy(c => c.FirstName).Take(1000).ToListAsync(ct);
        AgencySigners = await Db.Users.AsNoTracking().Where(u => u.HasSigningAuthority && u.DeactivatedAt == null).OrderBy(u => u.LastName).ToListAsync(ct);
        if (Signers.Count == 0) Signers.Add(new SignerRow());
    }

    public static string ContactValue(Contact c) => $"contact:{c.Id}";
    public static string UserValue(User u) => $"user:{u.Id}";
}
