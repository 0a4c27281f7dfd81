using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Documents;

namespace Paraphe.Web.Features.Procedures;

/// <summary>Creates a draft procedure: a document, its signers, a mode and options.</summary>
public static class CreateProcedure
{
    public sealed record ReminderRequest(int? IntervalDays, int? Max);

    public sealed record SignerRequest(string? ContactId, string? UserId, string? Role, FieldDto? Field);

    /// <param name="Launch">true: create and launch in one transaction (refused as a whole if the launch is).</param>
    public sealed record Request(string? DocumentId, string? Mode, bool? Otp, int? ExpiresInDays, ReminderRequest? Reminders,
        IReadOnlyList<SignerRequest>? Signers, bool? Launch = null);

    public static ProcedureMode ParseMode(string? mode) => mode?.Trim().ToLowerInvariant() switch
    {
        "remote" => ProcedureMode.Remote,
        "in_person" => ProcedureMode.InPerson,
        "manual" => ProcedureMode.Manual,
        _ => throw new DomainException(ErrorCodes.ValidationFailed, "Choisissez le mode de signature.",
            new Dictionary<string, string[]> { ["mode"] = ["Valeurs possibles : remote, in_person, manual."] }),
    };

    public static SignatureField? ToField(FieldDto? f) => f is null ? null : new SignatureField(f.Page, f.X, f.Y, f.Width, f.Height);

    /// <summary>A signer's box must be on a page of the document (the domain only knows pages start at 1).</summary>
    public static void EnsureFieldsOnDocument(IEnumerable<(FieldDto? Field, string Key)> fields, int pages)
    {
        var errors = fields.Where(f => f.Field is { } field && field.Page > pages)
            .ToDictionary(f => f.Key, f => new[]
            {
                $"La page {f.Field!.Page} n'existe pas : le document a {pages} page{(pages > 1 ? "s" : "")}.",
            });
        if (errors.Count > 0)
            throw new DomainException(ErrorCodes.ValidationFailed, "Un emplacement de signature est hors du document.", errors);
    }

    public static async Task<Procedure> HandleAsync(ParapheDbContext db, string agencyId, string actor, Request r, CancellationToken ct,
        LaunchProcedure? launcher = null)
    {
        if (string.IsNullOrWhiteSpace(r.DocumentId))
            throw new DomainException(ErrorCodes.ValidationFailed, "Choisissez le document à faire signer.",
                new Dictionary<string, string[]> { ["document_id"] = ["Obligatoire."] });
        var document = await UploadDocument.FindAsync(db, r.DocumentId, ct);
        var signers = r.Signers ?? [];
        EnsureFieldsOnDocument(signers.Select((s, i) => (s.Field, $"signers[{i}].field.page")), document.Pages);
        var snapshots = await SignerSnapshots.LoadAsync(db, signers.Select(s => s.ContactId), signers.Select(s => s.UserId), ct);

        var procedure = Procedure.Create(agencyId, document.Id, document.Title,
            new Procedure.Options(ParseMode(r.Mode), r.Otp ?? false, r.ExpiresInDays, r.Reminders?.IntervalDays, r.Reminders?.Max),
            actor, db.UtcNow);
        foreach (var s in signers)
            procedure.AddSigner(s.ContactId, s.UserId, s.Role, ToField(s.Field), snapshots.Of(s.ContactId, s.UserId), actor);
        db.Procedures.Add(procedure);
        if (r.Launch == true)
            await (launcher ?? throw new InvalidOperationException("Launching needs the launcher.")).LaunchAsync(procedure, actor, ct);
        await db.SaveChangesAsync(ct);
        return procedure;
    }
}
