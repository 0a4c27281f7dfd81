using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Features.Signing;

/// <summary>
/// The signer asks for a 6-digit code by SMS (procedures with `otp`). The SMS is an outbox message like any other,
/// queued with the code's hash in one transaction; the dispatcher derives the digits again when it sends it.
/// </summary>
public sealed class RequestOtp(ParapheDbContext db, SigningLinks links, OutboxSignal outbox)
{
    public sealed record Response(string SentTo, DateTime ExpiresAt);

    public async Task<Response> HandleAsync(SigningSession session, CancellationToken ct)
    {
        Notification sms;
        OneTimeCode code;
        try
        {
            (sms, code) = session.Procedure.RequestOtp(session.Signer.Id, links.OtpKey, db.UtcNow);
        }
        catch (DomainException) when (session.Procedure.PendingEvents.Count > 0)
        {
            // The refusal that locks the signer is evidence: it is recorded before it is answered.
            await db.SaveChangesAsync(ct);
            throw;
        }
        db.Notifications.Add(sms);
        await db.SaveChangesAsync(ct);
        outbox.Notify();
        return new Response(MaskedMobile(sms.To), code.ExpiresAt);
    }

    /// <summary>
    /// The agent's device asks for the code of a signer signing in person. Requests at once collide on the procedure and
    /// on the code's number: each runs again on the saved state, where the send limit refuses the excess (429).
    /// </summary>
    public Task<Response> HandleInPersonAsync(string procedureId, string signerId, CancellationToken ct) =>
        db.RetryOnConflictAsync(async () => await HandleAsync(await InPersonSigning.SessionAsync(db, procedureId, signerId, ct), ct), ct);

    /// <summary>« 06 •• •• •• 78 » for a French mobile, « +262 6 •• •• •• 56 » elsewhere (<see cref="PhoneDisplay.Mask"/>).</summary>
    public static string MaskedMobile(string e164) => Paraphe.Domain.Contacts.PhoneDisplay.Mask(e164);
}
