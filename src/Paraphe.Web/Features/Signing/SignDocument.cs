using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Signing;

/// <summary>Records a signature (by link, or in person on the agent's device); the last one completes the procedure.</summary>
public static class SignDocument
{
    public sealed record Request(bool? Consent, string? Otp, string? SignatureImage, string? TypedName);

    /// <param name="otpKey">Checks the SMS code of `otp` procedures, by link and in person alike.</param>
    public static async Task<Procedure> HandleAsync(ParapheDbContext db, SigningSession session, Request r, HttpContext http,
        OneTimeCodeKey otpKey, bool inPerson, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (r.Consent != true)
            errors["consent"] = ["Cochez « Lu et approuvé » pour signer."];
        var typed = string.IsNullOrWhiteSpace(r.TypedName) ? null : r.TypedName.Trim();
        TextInput.Check(errors, "typed_name", typed, TextInput.TypedName);
        TextInput.Check(errors, "otp", r.Otp, TextInput.Otp);
        if (string.IsNullOrWhiteSpace(r.SignatureImage) && typed is null && !errors.ContainsKey("signature_image"))
            errors["signature_image"] = ["Dessinez votre signature ou tapez votre nom."];
        if (errors.Count > 0)
            throw new DomainException(ErrorCodes.ValidationFailed, errors.Values.First()[0], errors);
        // Decoded in full now, within limits, and stored re-encoded: sealing never meets an image it cannot draw.
        var image = SignatureImages.Normalize(r.SignatureImage);

        if (session.Procedure.VerifyOtp(session.Signer.Id, r.Otp, otpKey, db.UtcNow).Refusal is { } refusal)
        {
            // The attempt (and a void code) must stay recorded; nothing of the signature is.
            if (session.Procedure.PendingEvents.Count > 0) await db.SaveChangesAsync(ct);
            throw refusal;
        }
        // In the order of signature, the next signer's invitation is written with this signature.
        var next = session.Procedure.Sign(session.Signer.Id,
            new SignatureData(image, typed, http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString(), inPerson),
            db.UtcNow);
        db.Notifications.AddRange(next);
        // Issue 12: the drawing prepared now in the form the stamper imports, so sealing decodes nothing.
        Sealing.PreparedSignatureForms.Add(db, session.Procedure, session.Signer, db.UtcNow);
        await db.SaveChangesAsync(ct);
        return session.Procedure;
    }
}
