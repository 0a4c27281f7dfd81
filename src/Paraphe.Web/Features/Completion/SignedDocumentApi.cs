using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Documents;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Completion;

/// <summary>The signed, sealed PDF: for the agency (API and status page) and through the download links of the messages.</summary>
public static class SignedDocumentApi
{
    public static RouteGroupBuilder MapSignedDocumentApi(this RouteGroupBuilder api)
    {
        api.MapGet("/procedures/{id}/signed-document", async (string id, ParapheDbContext db, Paraphe.Web.Platform.Storage.StoredFiles files, HttpContext http,
            CancellationToken ct) =>
        {
            var procedure = await ProcedureMapping.FindAsync(db, id, ct);
            var sealedDocument = await FindAsync(db, procedure, ct);
            ServedFiles.Protect(http.Response, carriesToken: false);
            return await FileAsync(files, procedure, sealedDocument, ct);
        }).WithTags("Procedures").Produces(StatusCodes.Status200OK, contentType: "application/pdf");

        api.MapPost("/procedures/{id}/send-to-notary", async Task<Accepted<ProcedureResponse>> (string id, SendToNotary.Request body,
            SendToNotary send, ParapheDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var procedure = await send.HandleAsync(id, body, http.User.Actor(), ct);
            return TypedResults.Accepted((string?)null, await procedure.ToResponseAsync(db, ct));
        }).WithTags("Procedures");
        api.MapRetrySealingApi();
        return api;
    }

    /// <summary>The sealed document, or 409 `not_sealed` with a sentence that says why there is none yet.</summary>
    public static async Task<SealedDocument> FindAsync(ParapheDbContext db, Procedure procedure, CancellationToken ct)
    {
        if (procedure.Status != ProcedureStatus.Completed)
            throw new DomainException(ErrorCodes.NotSealed,
                $"La procédure est {Procedure.Label(procedure.Status)} : le document signé existe quand tous les signataires ont signé.");
        return await db.SealedDocuments.AsNoTracking().FirstOrDefaultAsync(d => d.ProcedureId == procedure.Id, ct)
            ?? throw new DomainException(ErrorCodes.NotSealed,
                "Tous les signataires ont signé ; le document est en cours de scellement. Réessayez dans quelques instants.");
    }

    /// <summary>Streams the sealed PDF from the document store (never a redirect: the authorization and the audit of the
    /// download stay Paraphe's, and the store need not be reachable from the client).</summary>
    public static async Task<IResult> FileAsync(Paraphe.Web.Platform.Storage.StoredFiles files, Procedure procedure, SealedDocument document,
        CancellationToken ct) =>
        Results.Stream(await files.OpenAsync(document, ct), "application/pdf", FileName(procedure.Title));

    /// <summary>« Compromis de vente - signé.pdf », without characters a file system refuses.</summary>
    public static string FileName(string title)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat(['"', '\\', '/', ':', '*', '?', '<', '>', '|']).ToHashSet();
        var clean = new string(title.Select(c => invalid.Contains(c) || char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        if (clean.Length > 80) clean = clean[..80].TrimEnd();
        return (clean.Length == 0 ? "document" : clean) + " - signé.pdf";
    }
}
