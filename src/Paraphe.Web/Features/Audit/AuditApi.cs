using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Audit;
using Paraphe.Web.Features.Procedures;

namespace Paraphe.Web.Features.Audit;

public sealed record AuditEventResponse(int Seq, DateTime At, string Type, string Actor, System.Text.Json.JsonElement Data, string PrevHash, string Hash);

public sealed record AuditResponse(IReadOnlyList<AuditEventResponse> Events, bool Valid, int? BrokenAt);

public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/procedures/{id}/audit", async Task<Ok<AuditResponse>> (string id, ParapheDbContext db, CancellationToken ct) =>
        {
            var procedure = await ProcedureMapping.FindAsync(db, id, ct);
            return TypedResults.Ok(await VerifyAsync(db, procedure.Id, ct));
        }).WithTags("Audit");
        return api;
    }

    /// <summary>Recomputes the chain from the stored events.</summary>
    public static async Task<AuditResponse> VerifyAsync(ParapheDbContext db, string procedureId, CancellationToken ct)
    {
        var events = await db.AuditEvents.AsNoTracking().Where(e => e.ProcedureId == procedureId).OrderBy(e => e.Seq).ToListAsync(ct);
        var broken = AuditEvent.FindBreak(events);
        return new AuditResponse(
            events.Select(e => new AuditEventResponse(e.Seq, e.At, e.Type, e.Actor,
                System.Text.Json.JsonDocument.Parse(e.Data).RootElement.Clone(), e.PrevHash, e.Hash)).ToList(),
            broken is null, broken);
    }
}
