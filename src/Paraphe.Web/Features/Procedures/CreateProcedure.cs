using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Documents;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Documents;

namespace Paraphe.Web.Features.Procedures;

/// <summary>Creates a draft procedure: a document, its signers, a mode and options.</summary>
public static class CreateProcedure
{
    /// <summary>More would not fit the evidence page's table, nor a face-to-face session.</summary>
    public const int MaxSigners = 50;

    public sealed record ReminderRequest(int? IntervalDays, int? Max);

    public sealed record SignerRequest(string? ContactId, string? UserId, string? Role, FieldDto? Field);

    /// <param name="Launch">true: create and launch in one transaction (refused as a whole if the launch is).</param>
    /// <param name="SigningOrder">parallel (default) | sequential.</param>
    /// <param name="Message">The agent's personal message to the signers, quoted in the invitation email.</param>
    /// <param name="AgentUserId">Who is alerted (an active user of the agency); by default the user who creates it, or —
    /// with an API key — nobody: the directors.</param>
    public sealed record Request(string? DocumentId, string? Mode, bool? Otp, int? ExpiresInDays, ReminderRequest? Reminders,
        IReadOnlyList<SignerRequest>? Signers, bool? Launch = null, string? SigningOrder = null,
        string? Message = null, string? AgentUserId = null);

    /// <summary>null stays null (keep the current order; parallel for a new procedure).</summary>
    public static SigningOrder? ParseSigningOrder(string? order) => order?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "parallel" => Domain.Procedures.SigningOrder.Parallel,
        "sequential" => Domain.Procedures.SigningOrder.Sequential,
        _ => throw new DomainException(ErrorCodes.ValidationFailed, "Choisissez l'ordre de signature.",
            new Dictionary<string, string[]> { ["signing_order"] = ["Valeurs possibles : parallel (tous en même temps), sequential (dans l'ordre de signature)."] }),
    };

    public static ProcedureMode ParseMode(string? mode) => mode?.Trim().ToLowerInvariant() switch
    {
        "remote" => ProcedureMode.Remote,
        "in_person" => ProcedureMode.InPerson,
        "manual" => ProcedureMode.Manual,
        _ => throw new DomainException(ErrorCodes.ValidationFailed, "Choisissez le mode de signature.",
            new Dictionary<string, string[]> { ["mode"] = ["Valeurs possibles : remote, in_person, manual."] }),
    };

    public static SignatureField? ToField(FieldDto? f) => f is null ? null : new SignatureField(f.Page, f.X, f.Y, f.Width, f.Height);

    /// <summary>
    /// Every signer of a request at once: a contact or a user (exactly one), a role within its limits, a box entirely
    /// inside its page. Errors name `{prefix}` + the field (`signers[1].role`); none reaches the domain half-checked.
    /// </summary>
    public static async Task ValidateSignersAsync(ParapheDbContext db, IReadOnlyList<SignerRequest?> signers, Document? document,
        Func<int, string> keyOf, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var sizes = document is not null && signers.Any(s => s?.Field is not null) ? await DocumentPages.SizesAsync(db, document, ct) : null;
        for (var i = 0; i < signers.Count; i++)
        {
            var key = keyOf(i);
            var prefix = key.Length == 0 ? "" : key + ".";
            if (signers[i] is not { } s)
            {
                errors[key.Length == 0 ? "signer" : key] = ["Signataire vide : indiquez contact_id ou user_id."];
                continue;
            }
            if ((s.ContactId is null) == (s.UserId is null))
                errors[key.Length == 0 ? "contact_id" : key] = [s.ContactId is null
                    ? "Indiquez qui signe : contact_id (un client) ou user_id (un utilisateur de l'agence)."
                    : "Un signataire est soit un contact (contact_id), soit un utilisateur de l'agence (user_id), pas les deux."];
            TextInput.Check(errors, prefix + "contact_id", s.ContactId, TextInput.Id);
            TextInput.Check(errors, prefix + "user_id", s.UserId, TextInput.Id);
            TextInput.Check(errors, prefix + "role", s.Role?.Trim(), TextInput.Role);
            if (s.Field is { } f && document is not null)
            {
                if (f.Page < 1 || f.Page > document.Pages)
                    errors[prefix + "field.page"] = [$"La page {f.Page} n'existe pas : le document a {document.Pages} page{(document.Pages > 1 ? "s" : "")}."];
                else if (sizes is not null && SignatureBoxes.Problem(ToField(f)!, sizes) is { } problem)
                    errors[prefix + "field"] = [problem];
            }
        }
        if (errors.Count > 0)
            throw new DomainException(ErrorCodes.ValidationFailed,
                errors.Count == 1 ? errors.First().Value[0] : "Certains signataires ne sont pas valides.", errors);
    }

    public static async Task<Procedure> HandleAsync(ParapheDbContext db, string agencyId, string actor, Request r, CancellationToken ct,
        LaunchProcedure? launcher = null)
    {
        if (string.IsNullOrWhiteSpace(r.DocumentId))
            throw new DomainException(ErrorCodes.ValidationFailed, "Choisissez le document à faire signer.",
                new Dictionary<string, string[]> { ["document_id"] = ["Obligatoire."] });
        TextInput.Ensure("document_id", r.DocumentId, TextInput.Id);
        TextInput.Ensure("mode", r.Mode, TextInput.Mode);
        TextInput.Ensure("signing_order", r.SigningOrder, TextInput.Mode);
        var document = await UploadDocument.FindAsync(db, r.DocumentId, ct);
        var signers = r.Signers ?? [];
        if (signers.Count > MaxSigners)
            throw new DomainException(ErrorCodes.ValidationFailed, $"Une procédure a {MaxSigners} signataires au plus.",
                new Dictionary<string, string[]> { ["signers"] = [$"{MaxSigners} signataires au plus ({signers.Count} reçus)."] });
        await ValidateSignersAsync(db, signers, document, i => $"signers[{i}]", ct);
        var snapshots = await SignerSnapshots.LoadAsync(db, signers.Select(s => s.ContactId), signers.Select(s => s.UserId), ct);

        var agent = await ProcedureAgent.ResolveAsync(db, r.AgentUserId, actor, ct);
        // What the request leaves out comes from the agency's defaults (Paramètres de l'agence).
        var defaults = await db.Agencies.AsNoTracking().FirstAsync(a => a.Id == agencyId, ct);
        var procedure = Procedure.Create(agencyId, document.Id, document.Title,
            new Procedure.Options(ParseMode(r.Mode), r.Otp ?? false, r.ExpiresInDays ?? defaults.DefaultExpiresInDays,
                r.Reminders?.IntervalDays ?? defaults.DefaultReminderIntervalDays, r.Reminders?.Max ?? defaults.DefaultReminderMax,
                ParseSigningOrder(r.SigningOrder), r.Message, agent),
            actor, db.UtcNow);
        foreach (var s in signers)
            procedure.AddSigner(s.ContactId, s.UserId, s.Role, ToField(s.Field), snapshots.Of(s.ContactId, s.UserId), actor);
        db.Procedures.Add(procedure);
        if (r.Launch == true)
            await (launcher ?? throw new InvalidOperationException("Launching needs the launcher.")).LaunchAsync(procedure, actor, ct,
                (document, snapshots)); // read and checked above, in this transaction: not a second time
        await db.SaveChangesAsync(ct);
        return procedure;
    }
}
