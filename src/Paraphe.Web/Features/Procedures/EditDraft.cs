using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Documents;

namespace Paraphe.Web.Features.Procedures;

/// <summary>Draft edits: options, document, signers. After launch each is refused with `procedure_locked`.</summary>
public static class EditDraft
{
    /// <param name="Message">null keeps it, "" removes it.</param>
    public sealed record UpdateRequest(string? DocumentId, string? Mode, bool? Otp, int? ExpiresInDays, CreateProcedure.ReminderRequest? Reminders,
        string? SigningOrder = null, string? Message = null, string? AgentUserId = null);

    public static async Task<Procedure> UpdateAsync(ParapheDbContext db, string id, string actor, UpdateRequest r, CancellationToken ct)
    {
        var procedure = await ProcedureMapping.FindAsync(db, id, ct);
        procedure.EnsureDraft();
        TextInput.Ensure("document_id", r.DocumentId, TextInput.Id);
        TextInput.Ensure("mode", r.Mode, TextInput.Mode);
        TextInput.Ensure("signing_order", r.SigningOrder, TextInput.Mode);
        var document = r.DocumentId is null ? null : await UploadDocument.FindAsync(db, r.DocumentId, ct);
        if (document is not null)
        {
            // The boxes already placed must fit the new document too.
            var placed = procedure.Signers.OrderBy(s => s.Order).ToList();
            await CreateProcedure.ValidateSignersAsync(db, placed.Select(s => (CreateProcedure.SignerRequest?)new CreateProcedure.SignerRequest(
                    s.ContactId, s.UserId, s.Role, s.Field is { } f ? new FieldDto(f.Page, f.X, f.Y, f.Width, f.Height) : null)).ToList(),
                document, i => $"signers[{i}]", ct);
        }
        var agent = r.AgentUserId is null ? null : await ProcedureAgent.ResolveAsync(db, r.AgentUserId, actor, ct);
        procedure.Update(new Procedure.Options(
                r.Mode is null ? procedure.Mode : CreateProcedure.ParseMode(r.Mode), r.Otp ?? procedure.Otp, r.ExpiresInDays,
                r.Reminders?.IntervalDays, r.Reminders?.Max, CreateProcedure.ParseSigningOrder(r.SigningOrder), r.Message, agent),
            document?.Id, document?.Title, actor);
        await db.SaveChangesAsync(ct);
        return procedure;
    }

    public static async Task<Procedure> AddSignerAsync(ParapheDbContext db, string id, string actor, CreateProcedure.SignerRequest r, CancellationToken ct)
    {
        var procedure = await ProcedureMapping.FindAsync(db, id, ct);
        procedure.EnsureDraft();
        if (procedure.Signers.Count >= CreateProcedure.MaxSigners)
            throw new DomainException(ErrorCodes.ValidationFailed, $"Une procédure a {CreateProcedure.MaxSigners} signataires au plus.",
                new Dictionary<string, string[]> { ["signers"] = [$"{CreateProcedure.MaxSigners} signataires au plus."] });
        var document = r.Field is null ? null : await UploadDocument.FindAsync(db, procedure.DocumentId, ct);
        await CreateProcedure.ValidateSignersAsync(db, [r], document, _ => "", ct);
        var snapshots = await SignerSnapshots.LoadAsync(db, [r.ContactId], [r.UserId], ct);
        procedure.AddSigner(r.ContactId, r.UserId, r.Role, CreateProcedure.ToField(r.Field), snapshots.Of(r.ContactId, r.UserId), actor);
        await db.SaveChangesAsync(ct);
        return procedure;
    }

    public static async Task<Procedure> RemoveSignerAsync(ParapheDbContext db, string id, string signerId, string actor, CancellationToken ct)
    {
        var procedure = await ProcedureMapping.FindAsync(db, id, ct);
        procedure.RemoveSigner(signerId, actor);
        await db.SaveChangesAsync(ct);
        return procedure;
    }
}
