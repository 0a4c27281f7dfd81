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
/// The procedure form: a new procedure, or a draft reopened (`?brouillon=prc_…`) to edit its document, signers, places and
/// options. Both buttons go through SaveDraft: a form refused saves nothing and shows every error next to its field; a
/// launch refused by the contact checks keeps the draft and reopens it here with the errors on the signers concerned.
/// </summary>
public sealed class NewModel(ParapheDbContext db, SaveDraft saver) : AgentPageModel(db)
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

    /// <summary>The draft being edited, or null for a new procedure.</summary>
    [BindProperty(SupportsGet = true, Name = "brouillon")] public string? DraftId { get; set; }
    [BindProperty(SupportsGet = true)] public string? DocumentId { get; set; }
    [BindProperty] public string Mode { get; set; } = "remote";
    [BindProperty] public bool Otp { get; set; }
    /// <summary>parallel = « Tous en même temps », sequential = « Dans l'ordre de signature ».</summary>
    [BindProperty] public string SigningOrder { get; set; } = "parallel";
    [BindProperty] public int? ExpiresInDays { get; set; } = ProcedureRules.DefaultExpiryDays;
    [BindProperty] public int? ReminderIntervalDays { get; set; } = ProcedureRules.DefaultReminderIntervalDays;
    [BindProperty] public int? ReminderMax { get; set; } = ProcedureRules.DefaultReminderMax;
    /// <summary>The personal message quoted in the invitation email.</summary>
    [BindProperty] public string? Message { get; set; }
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

    public bool IsDraft => DraftId is not null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (DraftId is null)
        {
            Signers = [new SignerRow { Role = "vendeur" }, new SignerRow { Role = "acquéreur" }];
            // The agency's defaults (Paramètres de l'agence), which the agent may change for this procedure.
            var agency = await Db.Agencies.AsNoTracking().FirstAsync(a => a.Id == AgencyId, ct);
            (ExpiresInDays, ReminderIntervalDays, ReminderMax) = (agency.DefaultExpiresInDays, agency.DefaultReminderIntervalDays, agency.DefaultReminderMax);
            await LoadChoicesAsync(ct);
            return Page();
        }
        return await AttemptAsync(async () =>
        {
            var draft = await ProcedureMapping.FindAsync(Db, DraftId, ct);
            if (!draft.IsDraft)
            {
                SetFlash("Cette procédure est lancée : elle ne se modifie plus. Pour la corriger, utilisez « Nouvelle procédure corrigée ».");
                return Redirect($"/procedures/{draft.Id}");
            }
            FromDraft(draft);
            if (FormErrors.Take(TempData) is { } kept) Show(kept.ToException());
            await LoadChoicesAsync(ct);
            return Page();
        }, async () =>
        {
            DraftId = null;
            await LoadChoicesAsync(ct);
            return Page();
        });
    }

    public Task<IActionResult> OnPostDraftAsync(CancellationToken ct) => SaveAsync(launch: false, ct);

    public Task<IActionResult> OnPostLaunchAsync(CancellationToken ct) => SaveAsync(launch: true, ct);

    private async Task<IActionResult> SaveAsync(bool launch, CancellationToken ct)
    {
        // Rows the agent left empty are not signers: errors name the signers by their position among the others.
        var rows = Signers.Select((r, i) => (r, i)).Where(x => !string.IsNullOrWhiteSpace(x.r.Who)).Select(x => x.i).ToList();
        return await AttemptAsync(async () =>
        {
            var (request, formErrors) = ToRequest(rows);
            var result = await saver.HandleAsync(DraftId, AgencyId, Actor, request, launch, formErrors, ct);
            var procedure = result.Procedure;
            if (result.LaunchRefused is { } refused)
            {
                // The draft is saved: reopen it on the form, each error beside the signer it concerns.
                new FormErrors("La procédure est enregistrée en brouillon mais ne peut pas être lancée : corrigez les signataires signalés.",
                    refused.Code, RowKeys(refused.Errors)).Keep(TempData);
                return Redirect($"/procedures/new?brouillon={procedure.Id}");
            }
            if (!launch)
            {
                SetFlash("Brouillon enregistré. Vous pouvez le reprendre ou le lancer quand il est prêt.");
                return Redirect($"/procedures/{procedure.Id}");
            }
            SetFlash(Labels.LaunchedMessage(procedure.Mode));
            return Redirect(procedure.Mode == ProcedureMode.InPerson ? $"/procedures/{procedure.Id}/face-a-face" : $"/procedures/{procedure.Id}");
        }, async () =>
        {
            // Nothing was saved: the form again, as typed, each error beside its field.
            Show(new DomainException(ErrorCode ?? ErrorCodes.ValidationFailed, ErrorMessage ?? "", RowKeys(FieldErrors, rows)));
            await LoadChoicesAsync(ct);
            return Page();
        });
    }

    /// <summary>
    /// `signers[i].x` (the i-th signer) becomes `row[p].x` (the row at position p of the form), where the row shows it;
    /// without <paramref name="rows"/>, the i-th signer is the i-th row (a draft reopened on the form).
    /// </summary>
    internal static Dictionary<string, string[]> RowKeys(IReadOnlyDictionary<string, string[]> errors, IReadOnlyList<int>? rows = null)
    {
        var mapped = new Dictionary<string, string[]>();
        foreach (var (key, messages) in errors)
        {
            var m = System.Text.RegularExpressions.Regex.Match(key, @"^signers\[(\d+)\](.*)$");
            var target = m.Success && int.TryParse(m.Groups[1].Value, out var i) && (rows is null || i < rows.Count)
                ? $"row[{rows?[i] ?? i}]{m.Groups[2].Value}" : key;
            mapped[target] = mapped.TryGetValue(target, out var already) ? [.. already, .. messages.Except(already)] : messages;
        }
        return mapped;
    }

    /// <summary>The draft's document, options and signers (with their places) in the form.</summary>
    private void FromDraft(Procedure draft)
    {
        DocumentId = draft.DocumentId;
        Mode = Procedure.Wire(draft.Mode);
        Otp = draft.Otp;
        ExpiresInDays = draft.ExpiresInDays;
        ReminderIntervalDays = draft.ReminderIntervalDays;
        ReminderMax = draft.ReminderMax;
        SigningOrder = Procedure.Wire(draft.SigningOrder);
        Message = draft.Message;
        string N(double v) => v.ToString(CultureInfo.InvariantCulture);
        Signers = draft.Signers.OrderBy(s => s.Order).Select(s => new SignerRow
        {
            Who = s.ContactId is not null ? $"contact:{s.ContactId}" : $"user:{s.UserId}",
            Role = s.Role,
            Placement = s.Field is null ? "auto" : "document",
            Page = s.Field?.Page.ToString(CultureInfo.InvariantCulture), X = s.Field is { } f ? N(f.X) : null,
            Y = s.Field is { } f2 ? N(f2.Y) : null, Width = s.Field is { } f3 ? N(f3.Width) : null, Height = s.Field is { } f4 ? N(f4.Height) : null,
        }).ToList();
    }

    /// <summary>The request, and the places the page could not read (keyed `signers[i].field`, like the request's own errors).</summary>
    private (CreateProcedure.Request, Dictionary<string, string[]>) ToRequest(IReadOnlyList<int> rows)
    {
        var signers = new List<CreateProcedure.SignerRequest>();
        var fieldErrors = new Dictionary<string, string[]>();
        foreach (var (index, n) in rows.Select((index, n) => (index, n)))
        {
            var row = Signers[index];
            var field = row.Placement == "auto" ? null : ToField(row);
            if (row.Placement == "document" && field is null)
                fieldErrors[$"signers[{n}].field"] = ["Tracez le cadre de sa signature sur le document, ou retirez l'emplacement (il signera sur la « Page des signatures »)."];
            else if (row.Placement is null && field is null && HasAny(row))
                fieldErrors[$"signers[{n}].field"] = ["Emplacement incomplet ou illisible : tracez à nouveau le cadre de sa signature sur le document, ou retirez l'emplacement."];
            var (kind, id) = row.Who!.Split(':', 2) is [var k, var v] ? (k, v) : ("", "");
            signers.Add(new CreateProcedure.SignerRequest(kind == "contact" ? id : null, kind == "user" ? id : null, row.Role, field));
        }
        var mode = Mode;
        // New options of the form go here (and in FromDraft): the request carries them to SaveDraft.
        return (new CreateProcedure.Request(DocumentId, mode, mode is "remote" or "in_person" && Otp, ExpiresInDays,
            new CreateProcedure.ReminderRequest(ReminderIntervalDays, ReminderMax), signers, SigningOrder: SigningOrder,
            Message: Message), fieldErrors);
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

    /// <summary>The errors of the form's row at <paramref name="position"/> (`row[2].mobile` → "mobile"), shown in that row.</summary>
    public IReadOnlyDictionary<string, string> RowErrors(int position)
    {
        var prefix = $"row[{position}]";
        return FieldErrors.Where(e => e.Key == prefix || e.Key.StartsWith(prefix + ".", StringComparison.Ordinal))
            .ToDictionary(e => e.Key == prefix ? "" : e.Key[(prefix.Length + 1)..], e => string.Join(" ", e.Value));
    }

    /// <summary>Errors shown beside their field, so that the summary at the top does not repeat them.</summary>
    public string[] PlacedFields =>
    [
        "document_id", "mode", "expires_in_days", "reminders.interval_days", "reminders.max", "signers", "signing_order", "message",
        .. FieldErrors.Keys.Where(k => k.StartsWith("row[", StringComparison.Ordinal)),
    ];

    public static string ContactValue(Contact c) => $"contact:{c.Id}";
    public static string UserValue(User u) => $"user:{u.Id}";

    /// <summary>The errors of a refused launch, carried over the redirect to the reopened draft.</summary>
    public sealed record FormErrors(string Message, string Code, Dictionary<string, string[]> Errors)
    {
        private const string Key = "draft_form_errors";

        public void Keep(Microsoft.AspNetCore.Mvc.ViewFeatures.ITempDataDictionary tempData) =>
            tempData[Key] = System.Text.Json.JsonSerializer.Serialize(this);

        public static FormErrors? Take(Microsoft.AspNetCore.Mvc.ViewFeatures.ITempDataDictionary tempData) =>
            tempData[Key] is string json ? System.Text.Json.JsonSerializer.Deserialize<FormErrors>(json) : null;

        public DomainException ToException() => new(Code, Message, Errors);
    }
}
