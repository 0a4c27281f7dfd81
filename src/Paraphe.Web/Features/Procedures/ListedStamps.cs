using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Paraphe.Data;
using Paraphe.Web.Features.Signing;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// What a page's messages and events are, read as one short line per procedure from the database (issue 12, fifth round):
/// the list keeps each built item (<see cref="ListedItemCache"/>) under the stamp of the rows it was built from, and
/// serves it again only while the database gives the same stamp. One statement, 50 rows, no message or event
/// materialised.
/// <para>
/// A procedure's stamp: its messages' count, each message's <c>UpdatedAt</c> and <c>NextAttemptAt</c> in id order (on
/// PostgreSQL each message's row version, <c>xmin</c>, instead: see below), its events' count and newest id. It moves
/// with every write any writer on any instance makes to what an item shows:
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
/// On PostgreSQL (issue 12, sixth round: the two times cast to text and a hash join over every event of the database
/// cost its server ~3.4 ms a page, measured under load) the statement reads each message's <c>xmin</c> — the id of the
/// transaction that wrote the row's current version, which every <c>UPDATE</c> by any writer moves, even one that
/// writes the same values (that only costs a rebuild) — so it covers at least every write the times covered; its events
/// are counted per message through their index (a lateral join), the ids come as one array parameter and the statement
/// is prepared once per pooled connection (parsed and planned once): ~1 ms of the server's CPU under load. Two
/// committed versions of a row never share an <c>xmin</c> short of 2³² transactions later (the same row, the same
/// counts), and freezing keeps the raw value PostgreSQL returns.
/// </para>
/// <para>
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
        // PostgreSQL: prepared, and read once more on the same connection if another instance's migration made the
        // prepared statement stale (PreparedReads).
        if (db.IsPostgres)
            return await PreparedReads.ReadAsync(db, async () =>
            {
                var read = new Dictionary<string, string>(procedureIds.Count, StringComparer.Ordinal);
                await ReadAsync(await PostgresCommandAsync(db, agency, procedureIds, ct), read, ct);
                return read;
            }, ct);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var where = $"WHERE n.\"AgencyId\" = @agency AND n.\"ProcedureId\" IN ({string.Join(", ", procedureIds.Select((_, i) => $"@p{i}"))})";
            await ReadAsync(ListedMessages.Command(db, $"""
                SELECT m.p, m.c, m.t, coalesce(e.c, 0), coalesce(e.x, 0) FROM
                  (SELECT n."ProcedureId" AS p, count(*) AS c,
                          group_concat(n."UpdatedAt" || '/' || n."NextAttemptAt", ',' ORDER BY n."Id") AS t
                   FROM notifications n {where} GROUP BY n."ProcedureId") m
                LEFT JOIN
                  (SELECT n."ProcedureId" AS p, count(*) AS c, max(e."Id") AS x FROM notifications n
                   JOIN notification_events e ON e."NotificationId" = n."Id" {where} GROUP BY n."ProcedureId") e ON e.p = m.p
                """, agency, procedureIds), stamps, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return stamps;
    }

    /// <summary>PostgreSQL's statement: one text for every page (the ids as one array), so one prepared statement per connection.</summary>
    private const string PostgresSql = """
        SELECT n."ProcedureId", count(*), string_agg(n.xmin::text, ',' ORDER BY n."Id"),
               coalesce(sum(ev.c), 0)::bigint, coalesce(max(ev.x), 0)::bigint
        FROM notifications n
        LEFT JOIN LATERAL (SELECT count(*) AS c, max(e."Id") AS x FROM notification_events e WHERE e."NotificationId" = n."Id") ev ON true
        WHERE n."AgencyId" = @agency AND n."ProcedureId" = ANY (@ids)
        GROUP BY n."ProcedureId"
        """;

    private static async Task<DbCommand> PostgresCommandAsync(ParapheDbContext db, string agency, IReadOnlyList<string> procedureIds,
        CancellationToken ct)
    {
        var command = new NpgsqlCommand(PostgresSql, (NpgsqlConnection)db.Database.GetDbConnection())
        {
            Transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction,
        };
        command.Parameters.Add(new NpgsqlParameter<string>("agency", NpgsqlDbType.Text) { TypedValue = agency });
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. procedureIds] });
        // Npgsql keeps it per physical connection, keyed by its text: after the first time on a connection this sends nothing.
        await command.PrepareAsync(ct);
        return command;
    }

    private static async Task ReadAsync(DbCommand statement, Dictionary<string, string> stamps, CancellationToken ct)
    {
        await using var command = statement;
        await using var r = await command.ExecuteReaderAsync(ct);
        var line = new StringBuilder(256);
        while (await r.ReadAsync(ct))
        {
            line.Clear().Append(r.GetInt64(1)).Append('|').Append(r.GetInt64(3)).Append('|').Append(r.GetInt64(4))
                .Append('|').Append(r.GetString(2));
            stamps[r.GetString(0)] = line.ToString();
        }
    }
}
