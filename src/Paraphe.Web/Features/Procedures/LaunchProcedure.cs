using Paraphe.Data;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Documents;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// Launches a draft: contact checks run again, coordinates and the document hash are frozen, and in remote
/// mode the invitations (email + SMS per signer) are queued in the same transaction.
/// </summary>
public sealed class LaunchProcedure(ParapheDbContext db, SigningLinks links, OutboxSignal outbox)
{
    public async Task<Procedure> HandleAsync(string id, string actor, CancellationToken ct)
    {
        var procedure = await ProcedureMapping.FindAsync(db, id, ct);
        await LaunchAsync(procedure, actor, ct);
        await db.SaveChangesAsync(ct);
        outbox.Notify();
        return procedure;
    }

    /// <summary>Launches without saving, for callers that commit more in the same transaction (relaunch).</summary>
    public async Task LaunchAsync(Procedure procedure, string actor, CancellationToken ct)
    {
        procedure.EnsureDraft();
        var document = await UploadDocument.FindAsync(db, procedure.DocumentId, ct);
        var snapshots = await SignerSnapshots.LoadAsync(db, procedure, ct);
        var invitations = procedure.Launch(document.Sha256, snapshots.Of, s => links.HashFor(s.Id), actor, db.UtcNow);
        db.Notifications.AddRange(invitations);
    }
}
