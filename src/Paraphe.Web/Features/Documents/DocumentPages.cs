using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Documents;

namespace Paraphe.Web.Features.Documents;

/// <summary>Each page's size, for checking signature boxes; recorded at upload, computed once for older documents.</summary>
public static class DocumentPages
{
    /// <summary>Null only if a stored document cannot be read again (boxes are then checked against the page count alone).</summary>
    public static async Task<IReadOnlyList<PageSize>?> SizesAsync(ParapheDbContext db, Document document, CancellationToken ct)
    {
        if (PageSize.Parse(document.PageSizes) is { } stored && stored.Count == document.Pages) return stored;
        var files = Paraphe.Web.Platform.Storage.StoredFiles.Of(db);
        var bytes = await files.ReadDocumentAsync(db.DocumentContents.Where(c => c.DocumentId == document.Id), ct);
        if (bytes is null || PdfInspector.Inspect(bytes).Sizes is not { } sizes) return null;
        // A cache of what the stored bytes say: written on its own, it never conflicts with the caller's changes.
        var formatted = PageSize.Format(sizes);
        await db.Documents.Where(d => d.Id == document.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.PageSizes, formatted), ct);
        return sizes;
    }
}
