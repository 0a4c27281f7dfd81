using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Completion;

namespace Paraphe.Web.Pages.Sign;

/// <summary>
/// What the thank-you page and the link after completion offer: the signed document, through the download link of the
/// signer's own completion message (queued in the same save as the seal, so it exists exactly when the document is
/// sealed; each download is audited like one from the email). Before that, the page says it is coming and refreshes.
/// </summary>
public sealed record SignedDocumentOffer(bool Sealed, string? DownloadUrl)
{
    /// <summary>Seconds between two looks while the document is being sealed.</summary>
    public const int RefreshSeconds = 4;

    public static async Task<SignedDocumentOffer> ForAsync(ParapheDbContext db, DownloadLinks links, string procedureId,
        string signerId, CancellationToken ct)
    {
        var message = await db.Notifications.IgnoreQueryFilters().AsNoTracking()
            .Where(n => n.ProcedureId == procedureId && n.SignerId == signerId && n.Purpose == Purpose.Completion)
            .OrderByDescending(n => n.CreatedAt).FirstOrDefaultAsync(ct);
        if (message is not null)
            return new(true, DownloadLinks.ExpiresAt(message) > db.UtcNow ? links.UrlFor(message.Id) : null);
        var sealedAlready = await db.SealedDocuments.IgnoreQueryFilters().AnyAsync(d => d.ProcedureId == procedureId, ct);
        return new(sealedAlready, null);
    }
}
