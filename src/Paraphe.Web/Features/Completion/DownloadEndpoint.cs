using Paraphe.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Web.Features.Documents;
using Paraphe.Web.Pages;

namespace Paraphe.Web.Features.Completion;

/// <summary>
/// `GET /telechargement/{notificationId}/{mac}`: the signed document for whoever received a completion or notary
/// email, without an account, for 30 days. Downloads are written in the audit trail once per link, per client address,
/// per <see cref="DownloadLinks.RecordOncePer"/>: the first download from an address is evidence, the same address
/// fetching the same file again within the hour adds nothing (and must not grow the trail without end). Every request
/// still gets the document; the per-link rate limit (<see cref="Platform.LinkRateLimits"/>) bounds the rest.
/// </summary>
public static class DownloadEndpoint
{
    public static IEndpointRouteBuilder MapDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/telechargement/{notificationId}/{mac}", async (string notificationId, string mac, DownloadLinks links,
            ParapheDbContext db, Paraphe.Web.Platform.Storage.StoredFiles files, HttpContext http, CancellationToken ct) =>
        {
            if (!links.IsValid(notificationId, mac))
                return await ErrorPage(http, 404, "Ce lien de téléchargement n'existe pas. Vérifiez qu'il a été copié en entier.");
            var n = await db.Notifications.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(x => x.Id == notificationId, ct);
            if (n is null || !DownloadLinks.CarriesDownload(n.Purpose))
                return await ErrorPage(http, 404, "Ce lien de téléchargement n'existe pas.");
            if (db.UtcNow >= DownloadLinks.ExpiresAt(n))
                return await ErrorPage(http, 410,
                    $"Ce lien de téléchargement était valable jusqu'au {Labels.When(DownloadLinks.ExpiresAt(n))}. Demandez le document à l'agence.");
            var document = await db.SealedDocuments.IgnoreQueryFilters().AsNoTracking()
                .FirstOrDefaultAsync(d => d.ProcedureId == n.ProcedureId, ct);
            if (document is null)
                return await ErrorPage(http, 404, "Le document signé n'est pas disponible.");
            // Opened before the download is recorded: a store that is down answers 503 and records nothing.
            var content = await files.OpenAsync(document, ct);
            try
            {
                var ip = http.Connection.RemoteIpAddress?.ToString();
                var procedure = await RecordDownloadAsync(db, n, ip, ct);
                ServedFiles.Protect(http.Response, carriesToken: true);
                return Results.Stream(content, "application/pdf", SignedDocumentApi.FileName(procedure.Title));
            }
            catch
            {
                await content.DisposeAsync();
                throw;
            }
        }).AllowAnonymous().ExcludeFromDescription().RequireRateLimiting(Platform.LinkRateLimits.DownloadPolicy);
        return app;
    }

    /// <summary>Whether this link's download from this address is already in the audit trail within the last hour.</summary>
    private static async Task<bool> RecordedLatelyAsync(ParapheDbContext db, Domain.Notifications.Notification n, string? ip,
        CancellationToken ct)
    {
        var since = db.UtcNow - DownloadLinks.RecordOncePer;
        var actor = "link:" + n.Id;
        var type = AuditCatalogue.TypeOf(AuditKind.DocumentDownloaded);
        var recent = await db.AuditEvents.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.ProcedureId == n.ProcedureId && e.Type == type && e.Actor == actor && e.At >= since)
            .Select(e => e.Data).ToListAsync(ct);
        return recent.Any(data => AuditCatalogue.Read(type, data) is DocumentDownloaded d && d.Ip == ip);
    }

    /// <summary>
    /// Audits the download, unless this address's download of this link is in the trail within the hour. Two people
    /// downloading at once both change the procedure: the one that loses the race looks again on the fresh procedure
    /// (and records, or finds the winner's event from the same address) rather than being refused its document.
    /// </summary>
    private static Task<Domain.Procedures.Procedure> RecordDownloadAsync(ParapheDbContext db, Domain.Notifications.Notification n,
        string? ip, CancellationToken ct) =>
        db.RetryOnConflictAsync(async () =>
        {
            var procedure = await db.Procedures.IgnoreQueryFilters().FirstAsync(p => p.Id == n.ProcedureId, ct);
            if (await RecordedLatelyAsync(db, n, ip, ct)) return procedure;
            procedure.RecordDownload(n.Id, n.To, ip);
            await db.SaveChangesAsync(ct);
            return procedure;
        }, ct);

    private static async Task<IResult> ErrorPage(HttpContext http, int status, string message)
    {
        await Platform.ErrorPage.WriteAsync(http, status, message);
        return Results.Empty;
    }
}
