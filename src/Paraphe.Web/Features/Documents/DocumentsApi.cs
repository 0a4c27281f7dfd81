using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Documents;
using Paraphe.Web.Platform;
using Paraphe.Web.Platform.Storage;

namespace Paraphe.Web.Features.Documents;

/// <param name="RemovedActiveContent">in the upload's answer only: what was removed from the file before it was stored
/// (javascript, launch, form_submission, embedded_files, xfa, rich_media); empty when nothing was.</param>
public sealed record DocumentResponse(string Id, string Title, string Kind, string Sha256, int Pages, long Size, DateTime CreatedAt,
    IReadOnlyList<string>? RemovedActiveContent = null);

public static class DocumentsApi
{
    public static DocumentResponse ToResponse(this Document d) => new(d.Id, d.Title, d.Kind, d.Sha256, d.Pages, d.Size, d.CreatedAt);

    public static RouteGroupBuilder MapDocumentsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/documents").WithTags("Documents");

        group.MapPost("/", async Task<Created<DocumentResponse>> (IFormFile? file, [FromForm] string? title, [FromForm] string? kind,
            UploadDocument upload, HttpContext http, CancellationToken ct) =>
        {
            var document = await upload.HandleAsync(http.User.AgencyId(), file, title, kind, ct);
            return TypedResults.Created($"/api/v1/documents/{document.Id}",
                document.ToResponse() with { RemovedActiveContent = upload.RemovedActiveContent });
        }).DisableAntiforgery().Accepts<IFormFile>("multipart/form-data").WithBodyLimit(BodyLimit.FileUpload);

        group.MapGet("/{id}", async Task<Ok<DocumentResponse>> (string id, ParapheDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await UploadDocument.FindAsync(db, id, ct)).ToResponse()));

        group.MapGet("/{id}/file", async Task<FileStreamHttpResult> (string id, ParapheDbContext db, StoredFiles files, HttpContext http,
            CancellationToken ct) =>
        {
            ServedFiles.Protect(http.Response, carriesToken: false);
            var document = await UploadDocument.FindAsync(db, id, ct);
            var content = await files.OpenDocumentAsync(db.DocumentContents.Where(c => c.DocumentId == id), ct);
            return TypedResults.Stream(content, "application/pdf", $"{document.Title}.pdf");
        }).Produces(StatusCodes.Status200OK, contentType: "application/pdf");

        return api;
    }
}
