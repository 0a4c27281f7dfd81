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
        TextInput.Ensure("email", r.Email?.Trim(), TextInput.Email);
        var procedure = await ProcedureMapping.FindAsync(db, id, ct);
        var check = ContactChecks.CheckEmail(r.Email);
        if (!check.Ok)
        {
            // The contact check's typo message speaks of a launch; here the document is being sent.
            var message = check.Code == CheckCodes.EmailSuspectedTypo && check.Suggestion is { } suggested
                ? $"Vouliez-vous dire {suggested} ? Vérifiez l'adresse de l'étude avant l'envoi."
                : check.Message ?? "Adresse email du notaire invalide.";
            throw new DomainException(ErrorCodes.ValidationFailed, message,
                new Dictionary<string, string[]> { ["email"] = [message] },
                new Dictionary<string, object?> { ["check_code"] = check.Code, ["suggestion"] = check.Suggestion });
        }
        db.Notifications.Add(procedure.SendToNotary(check.Normalized!, actor, db.UtcNow));
        await db.SaveChangesAsync(ct);
        outbox.Notify();
        return procedure;
    }
}
