using Microsoft.AspNetCore.Http.HttpResults;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Signing;

/// <summary>
/// Face to face ("Maintenant en face à face"): signers sign in turn on the agent's device, inside the
/// agent's session. No invitation is ever sent; each signature is recorded as made in person. With `otp`, each
/// signer also types the 6-digit code sent to their own mobile (the same <see cref="RequestOtp"/> and the same
/// checks as a signature by link).
/// </summary>
public static class InPersonSigning
{
    public sealed record SessionResponse(string Url);

    public sealed record Request(bool? Consent, string? SignatureImage, string? TypedName, string? ConfirmedName, string? Otp = null);

    public static async Task<SigningSession> SessionAsync(ParapheDbContext db, string procedureId, string signerId, CancellationToken ct)
    {
        var procedure = await ProcedureMapping.FindAsync(db, procedureId, ct);
        EnsureInPerson(procedure, db.UtcNow);
        return new SigningSession(procedure, procedure.Signer(signerId), "");
    }

    public static void EnsureInPerson(Procedure procedure, DateTime now)
    {
        if (procedure.Mode != ProcedureMode.InPerson)
            throw new DomainException(ErrorCodes.InvalidTransition, "Cette procédure n'est pas en mode « Maintenant en face à face ».");
        if (procedure.Status != ProcedureStatus.Ongoing)
            throw new DomainException(ErrorCodes.InvalidTransition, $"La procédure est {Procedure.Label(procedure.Status)} : lancez-la d'abord.");
        procedure.EnsureOpenForSigning(now);
    }

    public static async Task<Procedure> SignAsync(ParapheDbContext db, string procedureId, string signerId, Request r,
        OneTimeCodeKey otpKey, HttpContext http, CancellationToken ct)
    {
        TextInput.Ensure("signer_id", signerId, TextInput.Id);
        TextInput.Ensure("confirmed_name", r.ConfirmedName, TextInput.ConfirmedName);
        // The last two signatures at once: the loser signs again on the fresh procedure (and completes it).
        return await db.RetryOnConflictAsync(async () =>
        {
            // The name first: the wrong person holding the device must not use up the signer's code attempts.
            var session = await SessionAsync(db, procedureId, signerId, ct);
            if (!SameName(r.ConfirmedName, session.Signer.DisplayName))
                throw new DomainException(ErrorCodes.ValidationFailed,
                    $"Le nom saisi ne correspond pas au signataire ({session.Signer.DisplayName}). Passez l'appareil au bon signataire.",
                    new Dictionary<string, string[]> { ["confirmed_name"] = ["Tapez votre prénom et votre nom pour confirmer votre identité."] });
            return await SignDocument.HandleAsync(db, session, new SignDocument.Request(r.Consent, r.Otp, r.SignatureImage, r.TypedName),
                http, otpKey, inPerson: true, ct);
        }, ct);
    }

    private static bool SameName(string? typed, string expected) =>
        typed is not null && Text.NameKey(typed) == Text.NameKey(expected);

    public static RouteGroupBuilder MapInPersonApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/procedures/{id}").WithTags("Procedures");

        group.MapPost("/in-person", async Task<Ok<SessionResponse>> (string id, ParapheDbContext db, CancellationToken ct) =>
        {
            var procedure = await ProcedureMapping.FindAsync(db, id, ct);
            EnsureInPerson(procedure, db.UtcNow);
            return TypedResults.Ok(new SessionResponse($"/procedures/{procedure.Id}/face-a-face"));
        });

        // The code goes to the signer's own mobile; the agent's session only asks for it.
        group.MapPost("/signers/{signerId}/otp", async Task<Accepted<RequestOtp.Response>> (string id, string signerId,
            ParapheDbContext db, RequestOtp requestOtp, CancellationToken ct) =>
            TypedResults.Accepted((string?)null, await requestOtp.HandleInPersonAsync(id, signerId, ct)));

        group.MapPost("/signers/{signerId}/sign-in-person", async Task<Ok<ProcedureResponse>> (string id, string signerId, Request body,
            ParapheDbContext db, SigningLinks links, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok(await (await SignAsync(db, id, signerId, body, links.OtpKey, http, ct)).ToResponseAsync(db, ct)))
            .WithBodyLimit(BodyLimit.Signature);

        return api;
    }
}
