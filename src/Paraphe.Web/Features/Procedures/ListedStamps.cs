using System.Text;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// What a page's messages and events are, read as one short line per procedure from the database (issue 12, fifth round):
/// the list keeps each built item (<see cref="ListedItemCache"/>) under the stamp of the rows it was built from, and
/// serves it again only while the database gives the same stamp. One statement, 50 rows, no message or event
/// materialised.
/// <para>
/// A procedure's stamp: its messages' count, each message's <c>UpdatedAt</c> and <c>NextAttemptAt</c> in id order,
/// its events' count and newest id. It moves with every write any writer on any instance makes to what an item shows:
/// <list type="bullet">
/// <item>a new message or event is counted (events are only ever inserted; nothing deletes either);</item>
/// <item>every change of a message's status, error or failure kind records an event in the same transaction
/// (<c>Notification.Move</c> for EF saves; the dispatcher's claim, its set-based record of outcomes and the callbacks'
/// direct write <c>DeliveryWrite</c> insert theirs beside their update);</item>
/// <item>the writes that record no event — the claim's lease renewed (<c>OutboxClaims.RenewAsync</c>) — change
/// <c>NextAttemptAt</c> and <c>UpdatedAt</c>, which the stamp lists per message (no maximum that a write behind
/// another instance's clock could hide under);</item>
/// <item>a message's address, channel, purpose, signer and creation time are set once, when it is queued.</item>
/// </list>
/// Tenant isolation: the statement names the agency, as <see cref="ListedMessages"/> does, for ids that come from the
/// agency's filtered page.
/// </para>
/// </summary>
public static class ListedStamps
{
    /// <summary>Each procedure's stamp (a procedure with no message has none: an empty string).</summary>
    public static async Task<Dictionary<string, string>> ForAsync(ParapheDbContext db, IReadOnlyList<string> procedureIds,
        CancellationToken ct)
    {
        var stamps = new Dictionary<string, string>(procedureIds.Count, StringComparer.Ordinal);
        if (procedureIds.Count == 0 || db.TenantAgencyId is not { } agency) return stamps;
        var npgsql = db.Database.IsNpgsql();
        var times = npgsql
            ? "string_agg(n.\"UpdatedAt\"::text || '/' || n.\"NextAttemptAt\"::text, ',' ORDER BY n.\"Id\")"
            : "group_concat(n.\"UpdatedAt\" || '/' || n.\"NextAttemptAt\", ',' ORDER BY n.\"Id\")";
        var where = $"WHERE n.\"AgencyId\" = @agency AND n.\"ProcedureId\" IN ({string.Join(", ", procedureIds.Select((_, i) => $"@p{i}"))})";
        var sql = $"""
            SELECT m.p, m.c, m.t, coalesce(e.c, 0), coalesce(e.x, 0) FROM
              (SELECT n."ProcedureId" AS p, count(*) AS c, {times} AS t FROM notifications n {where} GROUP BY n."ProcedureId") m
            LEFT JOIN
              (SELECT n."ProcedureId" AS p, count(*) AS c, max(e."Id") AS x FROM notifications n
               JOIN notification_events e ON e."NotificationId" = n."Id" {where} GROUP BY n."ProcedureId") e ON e.p = m.p
            """;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = ListedMessages.Command(db, sql, agency, procedureIds);
            await using var r = await command.ExecuteReaderAsync(ct);
            var line = new StringBuilder(256);
            while (await r.ReadAsync(ct))
            {
                line.Clear().Append(r.GetInt64(1)).Append('|').Append(r.GetInt64(3)).Append('|').Append(r.GetInt64(4))
                    .Append('|').Append(r.GetString(2));
                stamps[r.GetString(0)] = line.ToString();
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return stamps;
    }
}
