using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// "Corriger et relancer": optionally correct signers' email/mobile (saved to their contacts), cancel the old
/// procedure if it is still ongoing, create the new one linked both ways and launch it — one transaction.
/// </summary>
public sealed class RelaunchProcedure(ParapheDbContext db, LaunchProcedure launcher, OutboxSignal outbox)
{
    public const string DefaultReason = "correction des coordonnées";

    public sealed record Correction(string? SignerId, string? Email, string? Mobile);

    public sealed record Request(bool? Launch, IReadOnlyList<Correction>? Signers, string? Reason);

    public async Task<Procedure> HandleAsync(string id, string actor, Request r, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        TextInput.Check(errors, "reason", r.Reason?.Trim(), TextInput.Reason);
        foreach (var (c, i) in (r.Signers ?? []).Select((c, i) => (c, i)))
        {
            TextInput.Check(errors, $"signers[{i}].signer_id", c?.SignerId, TextInput.Id);
            TextInput.Check(errors, $"signers[{i}].email", c?.Email?.Trim(), TextInput.Email);
            TextInput.Check(errors, $"signers[{i}].mobile", c?.Mobile?.Trim(), TextInput.Mobile);
        }
        TextInput.ThrowIfAny(errors);
        var old = await ProcedureMapping.FindAsync(db, id, ct);
        var now = db.UtcNow;
        if (old.Status == ProcedureStatus.Ongoing)
            old.Cancel(string.IsNullOrWhiteSpace(r.Reason) ? DefaultReason : r.Reason, actor, now, notifySigners: false);

        var snapshots = await SignerSnapshots.LoadAsync(db, old, ct);
        foreach (var (c, i) in (r.Signers ?? []).Select((c, i) => (c, i)))
        {
            if (c.Email is null && c.Mobile is null) continue;
            var signer = old.Signers.FirstOrDefault(s => s.Id == c.SignerId)
                         ?? throw new DomainException(ErrorCodes.ValidationFailed, "Signataire inconnu dans cette procédure.",
                             new Dictionary<string, string[]> { [$"signers[{i}].signer_id"] = ["Signataire inconnu."] });
            if (signer.ContactId is null)
                throw new DomainException(ErrorCodes.ValidationFailed, "Les coordonnées d'un utilisateur de l'agence se corrigent dans son profil.",
                    new Dictionary<string, string[]> { [$"signers[{i}]"] = ["Utilisateur de l'agence."] });
            var contact = snapshots.Contact(signer.ContactId);
            contact.CorrectCoordinates(c.Email, c.Mobile, now);
            await DraftSigners.FollowAsync(db, contact, ct);
        }

        var next = old.Relaunch(snapshots.Of, actor, now);
        db.Procedures.Add(next);
        if (r.Launch == true) await launcher.LaunchAsync(next, actor, ct);
        await db.SaveChangesAsync(ct);
        outbox.Notify();
        return next;
    }
}
