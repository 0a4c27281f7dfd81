using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Contacts;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Features.Completion;

/// <summary>
/// « Envoyer au notaire »: the signed contract and its evidence by a secure download link (notaries' mailboxes
/// refuse large attachments), to an address checked like a contact's (syntax, typo suggestion). Tracked like any message.
/// </summary>
public sealed class SendToNotary(ParapheDbContext db, OutboxSignal outbox)
{
    public sealed record Request(string? Email);

    public async Task<Procedure> HandleAsync(string id, Request r, string actor, CancellationToken ct)
    {
        var procedure = await ProcedureMapping.FindAsync(db, id, ct);
        var check = ContactChecks.CheckEmail(r.Email);
        if (!check.Ok)
            throw new DomainException(ErrorCodes.ValidationFailed, check.Message ?? "Adresse email du notaire invalide.",
                new Dictionary<string, string[]> { ["email"] = [check.Message ?? "Adresse email invalide."] },
                new Dictionary<string, object?> { ["check_code"] = check.Code, ["suggestion"] = check.Suggestion });
        db.Notifications.Add(procedure.SendToNotary(check.Normalized!, actor, db.UtcNow));
        await db.SaveChangesAsync(ct);
        outbox.Notify();
        return procedure;
    }
}
