using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Web.Features.Documents;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Signing;

/// <summary>The signer's side, reached with the personal link's token; no account needed.</summary>
public static class SigningApi
{
    public sealed record SignedResponse(string Status, string ProcedureStatus, string Message);

    public static RouteGroupBuilder MapSigningApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/signing/{token}").WithTags("Signing").AllowAnonymous()
            .RequireRateLimiting(Platform.LinkRateLimits.SigningPolicy)
            .WithBodyLimit(BodyLimit.Signature).WithMetadata(new SigningTokenFirstAttribute());

        // Issue 12: an opened link is shown from memory after one indexed read (OpenedLinks).
        group.MapGet("/", async Task<Ok<SigningView>> (string token, ParapheDbContext db, OpenedLinks opened, HttpContext http, CancellationToken ct) =>
        {
            var (snapshot, agencyName) = await opened.OpenAsync(db, token, http, ct);
            return TypedResults.Ok(snapshot.View(agencyName, token));
        });

        group.MapGet("/document", async Task<FileStreamHttpResult> (string token, ParapheDbContext db, Paraphe.Web.Platform.Storage.StoredFiles files,
            HttpContext http, CancellationToken ct) =>
        {
            var session = await SigningSession.ResolveAsync(db, token, ct);
            session.Procedure.EnsureOpenForSigning(db.UtcNow);
            var content = await files.OpenDocumentAsync(db.DocumentContents.IgnoreQueryFilters()
                .Where(c => c.DocumentId == session.Procedure.DocumentId), ct);
            ServedFiles.Protect(http.Response, carriesToken: true);
            return TypedResults.Stream(content, "application/pdf", "document.pdf");
        }).Produces(StatusCodes.Status200OK, contentType: "application/pdf");

        group.MapPost("/otp", async Task<Accepted<RequestOtp.Response>> (string token, ParapheDbContext db, RequestOtp requestOtp, CancellationToken ct) =>
        {
            return TypedResults.Accepted((string?)null, await SigningSession.RunAsync(db, token, s => requestOtp.HandleAsync(s, ct), ct));
        });

        group.MapPost("/sign", async Task<Ok<SignedResponse>> (string token, SignDocument.Request body, ParapheDbContext db, SigningLinks links,
            HttpContext http, CancellationToken ct) =>
        {
            var p = await SigningSession.RunAsync(db, token,
                s => SignDocument.HandleAsync(db, s, body, http, links.OtpKey, inPerson: false, ct), ct);
            return TypedResults.Ok(new SignedResponse("signed", Wire(p.Status),
                p.Status == ProcedureStatus.Completed ? "Merci, vous avez signé. Tous les signataires ont signé." : "Merci, votre signature est enregistrée."));
        });

        group.MapPost("/decline", async Task<Ok<SignedResponse>> (string token, DeclineSigning.Request body, ParapheDbContext db, CancellationToken ct) =>
        {
            var p = await SigningSession.RunAsync(db, token, s => DeclineSigning.HandleAsync(db, s, body, ct), ct);
            return TypedResults.Ok(new SignedResponse("declined", Wire(p.Status), "Votre refus a été transmis à l'agence."));
        });

        return api;
    }

    /// <summary>Resolves the link, refuses it when the procedure is over (410) and records the first opening.</summary>
    public static async Task<SigningSession> OpenAsync(ParapheDbContext db, string token, HttpContext http, CancellationToken ct)
    {
        // Opened twice at once: the loser reads the procedure again, where the other request recorded the opening.
        // Issue 12: only the first opening writes (`signer.link_opened`); a link opened before is a plain read.
        return await SigningSession.RunAsync(db, token, async session =>
        {
            var first = session.Signer.OpenedAt is null;
            session.Procedure.RecordOpening(session.Signer.Id, http.Connection.RemoteIpAddress?.ToString(),
                http.Request.Headers.UserAgent.ToString(), db.UtcNow);
            if (first) await db.SaveChangesAsync(ct);
            return session;
        }, ct);
    }

    public static async Task<SigningView> ViewAsync(ParapheDbContext db, SigningSession s, string token, CancellationToken ct) =>
        (await SigningSnapshot.ReadAsync(db, s, ct)).View(s.AgencyName, token);

    public static string Wire(ProcedureStatus status) => status.ToString().ToLowerInvariant();
}
