using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Web.Features.Documents;
using Paraphe.Web.Pages;

namespace Paraphe.Web.Features.Completion;

/// <summary>
/// `GET /telechargement/{notificationId}/{mac}`: the signed document for whoever received a completion or notary
/// email, without an account, for 30 days. Each download is written in the audit trail.
/// </summary>
public static class DownloadEndpoint
{
    public static IEndpointRouteBuilder MapDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/telechargement/{notificationId}/{mac}", async (string notificationId, string mac, DownloadLinks links,
            ParapheDbContext db, HttpContext http, CancellationToken ct) =>
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
            var procedure = await RecordDownloadAsync(db, n, http.Connection.RemoteIpAddress?.ToString(), ct);
            ServedFiles.Protect(http.Response, carriesToken: true);
            return SignedDocumentApi.File(procedure, document);
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Audits the download. Two people downloading at once both change the procedure: the one that loses the race
    /// records again on the fresh procedure rather than being refused its document.
    /// </summary>
    private static async Task<Domain.Procedures.Procedure> RecordDownloadAsync(ParapheDbContext db, Domain.Notifications.Notification n,
        string? ip, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var procedure = await db.Procedures.IgnoreQueryFilters().FirstAsync(p => p.Id == n.ProcedureId, ct);
            procedure.RecordDownload(n.Id, n.To, ip);
            try
            {
                await db.SaveChangesAsync(ct);
                return procedure;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private static async Task<IResult> ErrorPage(HttpContext http, int status, string message)
    {
        await Platform.ErrorPage.WriteAsync(http, status, message);
        return Results.Empty;
    }
}
