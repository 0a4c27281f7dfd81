using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Audit;
using Paraphe.Web.Features.Procedures;

namespace Paraphe.Web.Features.Audit;

public sealed record AuditEventResponse(int Seq, DateTime At, string Type, string Actor, System.Text.Json.JsonElement Data, string PrevHash, string Hash);

/// <param name="SealedDocument">For a sealed procedure: the hash the trail recorded and whether the stored PDF still has it.</param>
public sealed record AuditResponse(IReadOnlyList<AuditEventResponse> Events, bool Valid, int? BrokenAt,
    SealedDocumentCheck? SealedDocument = null);

public sealed record SealedDocumentCheck(string Sha256, string? StoredSha256, bool Valid);

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

    /// <summary>
    /// Recomputes the chain from the stored events and, once sealed, the stored signed document's SHA-256 against the
    /// one `procedure.sealed` recorded: a replaced document breaks the trail at that event. With
    /// <paramref name="rehashStoredDocument"/> false (the status page, issue 12) the stored object is not read again: the
    /// hash its row recorded — computed from the bytes written at seal time — is compared instead; this route (and
    /// /verify) is the verification on demand.
    /// </summary>
    public static async Task<AuditResponse> VerifyAsync(ParapheDbContext db, string procedureId, CancellationToken ct,
        bool rehashStoredDocument = true)
    {
        var events = await db.AuditEvents.AsNoTracking().Where(e => e.ProcedureId == procedureId).OrderBy(e => e.Seq).ToListAsync(ct);
        var broken = AuditEvent.FindBreak(events);
        var responses = events.Select(e => new AuditEventResponse(e.Seq, e.At, e.Type, e.Actor,
            System.Text.Json.JsonDocument.Parse(e.Data).RootElement.Clone(), e.PrevHash, e.Hash)).ToList();
        SealedDocumentCheck? check = null;
        if (events.LastOrDefault(e => e.Type == AuditCatalogue.TypeOf(AuditKind.ProcedureSealed)) is { } sealedEvent
            && AuditCatalogue.Read(sealedEvent) is ProcedureSealed { Sha256: { } expected })
        {
            string? stored;
            if (rehashStoredDocument)
            {
                var row = await db.SealedDocuments.AsNoTracking().Where(d => d.ProcedureId == procedureId)
                    .Select(d => new { d.StorageKey, d.Bytes }).FirstOrDefaultAsync(ct);
                // The stored object read again (streamed), not the hash its row recorded: the check is of what would be served.
                stored = row is null ? null : await Paraphe.Web.Platform.Storage.StoredFiles.Of(db).Sha256Async(row.StorageKey, row.Bytes, ct);
            }
            else
            {
                stored = await db.SealedDocuments.AsNoTracking().Where(d => d.ProcedureId == procedureId)
                    .Select(d => d.Sha256).FirstOrDefaultAsync(ct);
            }
            check = new SealedDocumentCheck(expected, stored, stored == expected);
            if (!check.Valid) broken = broken is null ? sealedEvent.Seq : Math.Min(broken.Value, sealedEvent.Seq);
        }
        return new AuditResponse(responses, broken is null, broken, check);
    }
}
