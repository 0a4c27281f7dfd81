using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Notifications;

namespace Paraphe.Web.Features.Completion;

/// <summary>The signed document as an email attachment, only when it is small: the download link is always there.</summary>
public static class SignedDocumentAttachment
{
    public static async Task<IReadOnlyList<Attachment>?> ForAsync(ParapheDbContext db, Procedure procedure, int maxKilobytes,
        CancellationToken ct)
    {
        if (maxKilobytes <= 0) return null;
        var limit = maxKilobytes * 1024L;
        var documents = db.SealedDocuments.IgnoreQueryFilters().AsNoTracking().Where(d => d.ProcedureId == procedure.Id);
        // The size first: a large document's bytes are never loaded for nothing.
        if (await documents.Select(d => (long?)d.Size).FirstOrDefaultAsync(ct) is not { } size || size > limit) return null;
        var row = await documents.Select(d => new { d.StorageKey, d.Bytes }).FirstAsync(ct);
        byte[] bytes;
        try
        {
            bytes = await Paraphe.Web.Platform.Storage.StoredFiles.Of(db).ReadAllAsync(row.StorageKey, row.Bytes, ct);
        }
        catch (Paraphe.Web.Platform.Storage.StorageUnavailableException)
        {
            return null; // the store is down: the message leaves with its download link only, rather than waiting
        }
        return [new Attachment(SignedDocumentApi.FileName(procedure.Title), "application/pdf", bytes)];
    }
}
