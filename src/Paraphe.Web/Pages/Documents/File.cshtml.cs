using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Web.Features.Documents;

namespace Paraphe.Web.Pages.Documents;

/// <summary>The PDF for the agent's session (the API route of the same name takes an API key only).</summary>
public sealed class FileModel(ParapheDbContext db, Paraphe.Web.Platform.Storage.StoredFiles files) : AgentPageModel(db)
{
    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        try
        {
            var document = await UploadDocument.FindAsync(Db, id, ct);
            var content = await files.OpenDocumentAsync(Db.DocumentContents.Where(c => c.DocumentId == id), ct);
            // Inline, so it opens in the browser tab and in the face-to-face frame.
            // nosniff and no caching; not the sandbox, under which browsers refuse to show a PDF inline.
            ServedFiles.Protect(Response, carriesToken: false, inline: true);
            Response.Headers.ContentDisposition = $"inline; filename*=UTF-8''{Uri.EscapeDataString(document.Title)}.pdf";
            return File(content, "application/pdf");
        }
        catch (DomainException e) when (e.Code == ErrorCodes.NotFound)
        {
            return NotFound();
        }
    }
}
