using Paraphe.Data;
using Paraphe.Domain.Documents;
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
    /// <param name="loaded">
    /// The document and the signers' snapshots the caller has just read in this same scope and transaction to build
    /// the draft (create + launch in one request): used as they are, neither read nor checked a second time. They must
    /// be the procedure's own (same document, every signer's contact or user); null reads them.
    /// </param>
    public async Task LaunchAsync(Procedure procedure, string actor, CancellationToken ct,
        (Document Document, SignerSnapshots Snapshots)? loaded = null)
    {
        procedure.EnsureDraft();
        if (loaded is { } l && l.Document.Id != procedure.DocumentId)
            throw new InvalidOperationException("The loaded document is not the procedure's.");
        var document = loaded?.Document ?? await UploadDocument.FindAsync(db, procedure.DocumentId, ct);
        var snapshots = loaded?.Snapshots ?? await SignerSnapshots.LoadAsync(db, procedure, ct);
        var invitations = procedure.Launch(document.Sha256, snapshots.Of, s => links.HashFor(s.Id), actor, db.UtcNow);
        db.Notifications.AddRange(invitations);
    }
}
