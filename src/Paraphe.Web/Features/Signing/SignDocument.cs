using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Signing;

/// <summary>Records a signature (by link, or in person on the agent's device); the last one completes the procedure.</summary>
public static class SignDocument
{
    public sealed record Request(bool? Consent, string? Otp, string? SignatureImage, string? TypedName);

    private const int MaxImageBytes = 512 * 1024;

    /// <param name="otpKey">Checks the SMS code of `otp` procedures, by link and in person alike.</param>
    public static async Task<Procedure> HandleAsync(ParapheDbContext db, SigningSession session, Request r, HttpContext http,
        OneTimeCodeKey otpKey, bool inPerson, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (r.Consent != true)
            errors["consent"] = ["Cochez « Lu et approuvé » pour signer."];
        var image = NormalizeImage(r.SignatureImage, errors);
        var typed = string.IsNullOrWhiteSpace(r.TypedName) ? null : r.TypedName.Trim();
        TextInput.Check(errors, "typed_name", typed, TextInput.TypedName);
        TextInput.Check(errors, "otp", r.Otp, TextInput.Otp);
        if (image is null && typed is null && !errors.ContainsKey("signature_image"))
            errors["signature_image"] = ["Dessinez votre signature ou tapez votre nom."];
        if (errors.Count > 0)
            throw new DomainException(ErrorCodes.ValidationFailed, errors.Values.First()[0], errors);

        if (session.Procedure.VerifyOtp(session.Signer.Id, r.Otp, otpKey, db.UtcNow).Refusal is { } refusal)
        {
            // The attempt (and a void code) must stay recorded; nothing of the signature is.
            if (session.Procedure.PendingEvents.Count > 0) await db.SaveChangesAsync(ct);
            throw refusal;
        }
        session.Procedure.Sign(session.Signer.Id,
            new SignatureData(image, typed, http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString(), inPerson),
            db.UtcNow);
        await db.SaveChangesAsync(ct);
        return session.Procedure;
    }

    /// <summary>Accepts only a PNG data URL of reasonable size.</summary>
    private static string? NormalizeImage(string? dataUrl, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(dataUrl)) return null;
        const string prefix = "data:image/png;base64,";
        byte[]? bytes = null;
        if (dataUrl.StartsWith(prefix, StringComparison.Ordinal))
        {
            try { bytes = Convert.FromBase64String(dataUrl[prefix.Length..]); }
            catch (FormatException) { }
        }
        if (bytes is null || bytes.Length < 8 || !bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }))
        {
            errors["signature_image"] = ["La signature dessinée doit être une image PNG (data:image/png;base64,…)."];
            return null;
        }
        if (bytes.Length > MaxImageBytes)
        {
            errors["signature_image"] = ["L'image de signature est trop lourde (512 Ko au plus)."];
            return null;
        }
        return dataUrl;
    }
}
