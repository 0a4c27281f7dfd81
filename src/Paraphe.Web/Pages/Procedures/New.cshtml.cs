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
        public int? Page { get; set; }
        public double? X { get; set; }
        public double? Y { get; set; }
        public double? Width { get; set; }
        public double? Height { get; set; }
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

    public async Task OnGetAsync(CancellationToken ct)
    {
        Signers = [new SignerRow { Role = "vendeur" }, new SignerRow { Role = "acquéreur" }];
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
            var field = ToField(row, out var incomplete);
            if (incomplete) fieldErrors[$"row[{index}].field"] = [$"Signataire {index + 1} : emplacement incomplet : renseignez la page, x, y, largeur et hauteur, ou laissez tout vide (placement automatique)."];
            var (kind, id) = row.Who!.Split(':', 2) is [var k, var v] ? (k, v) : ("", "");
            signers.Add(new CreateProcedure.SignerRequest(kind == "contact" ? id : null, kind == "user" ? id : null, row.Role, field));
        }
        if (fieldErrors.Count > 0)
            throw new DomainException(ErrorCodes.ValidationFailed, "Un emplacement de signature est incomplet.", fieldErrors);
        var mode = Mode;
        return new CreateProcedure.Request(DocumentId, mode, mode is "remote" or "in_person" && Otp, ExpiresInDays,
            new CreateProcedure.ReminderRequest(ReminderIntervalDays, ReminderMax), signers);
    }

    private static FieldDto? ToField(SignerRow r, out bool incomplete)
    {
        var given = new object?[] { r.Page, r.X, r.Y, r.Width, r.Height }.Count(v => v is not null);
        incomplete = given is > 0 and < 5;
        return given == 5 ? new FieldDto(r.Page!.Value, r.X!.Value, r.Y!.Value, r.Width!.Value, r.Height!.Value) : null;
    }

    private async Task LoadChoicesAsync(CancellationToken ct)
    {
        Documents = await Db.Documents.AsNoTracking().Where(d => d.Kind != "scan").OrderByDescending(d => d.CreatedAt).Take(200).ToListAsync(ct);
        Contacts = await Db.Contacts.AsNoTracking().OrderBy(c => c.LastName).ThenBy(c => c.FirstName).Take(1000).ToListAsync(ct);
        AgencySigners = await Db.Users.AsNoTracking().Where(u => u.HasSigningAuthority).OrderBy(u => u.LastName).ToListAsync(ct);
        if (Signers.Count == 0) Signers.Add(new SignerRow());
    }

    public static string ContactValue(Contact c) => $"contact:{c.Id}";
    public static string UserValue(User u) => $"user:{u.Id}";
}
