using Paraphe.Data;
using Paraphe.Web.Features.Contacts;
using Paraphe.Web.Features.Documents;
using Paraphe.Web.Features.Procedures;

namespace Paraphe.Web.Platform;

/// <summary>
/// The answer to a retry whose first request committed its work but lost its answer (the process died between the
/// commit and storing it): the resource's current representation, as its GET gives it — `201 Created` with `Location`
/// when the work created it (a procedure, a relaunch, a document, a contact), else `200` — with `Idempotent-Replayed`.
/// </summary>
internal static class IdempotentReplay
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static async Task FromResourceAsync(HttpContext http, string? resource)
    {
        var created = resource is not null && !http.Request.Path.StartsWithSegments(resource);
        http.Response.Headers[ReplayedHeader] = "true";
        if (created) http.Response.Headers.Location = resource;
        var status = created ? StatusCodes.Status201Created : StatusCodes.Status200OK;
        var db = http.RequestServices.GetRequiredService<ParapheDbContext>();
        var ct = http.RequestAborted;
        var parts = resource?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        object? body = parts is ["api", "v1", var kind, var id]
            ? kind switch
            {
                "procedures" => await (await ProcedureMapping.FindAsync(db, id, ct)).ToResponseAsync(db, ct),
                "documents" => (await UploadDocument.FindAsync(db, id, ct)).ToResponse(),
                "contacts" => (await SaveContact.FindAsync(db, id, ct)).ToResponse(),
                _ => null,
            }
            : null;
        if (body is null)
        {
            http.Response.StatusCode = status; // committed work with no resource to show (the answer is not kept)
            return;
        }
        await TypedResults.Json(body, statusCode: status).ExecuteAsync(http);
    }
}
