using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Web.Features.Procedures;

namespace Paraphe.Bench.Http;

/// <summary>
/// Reads <see cref="ListPageBench"/> measures only for the ratio with what the list runs: a validated cache's one
/// statement (round 4), the messages as EF projections (round 3), round 5's stamps statement (round 6).
/// </summary>
public static class ListPageRatios
{
    /// <summary>The read a validated cache of built pages would need on each request: the page's ids in order and what
    /// changes when an item would (measured only).</summary>
    public static async Task<int> ValidationReadAsync(ParapheDbContext db, string agency)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText =
                "SELECT (SELECT COUNT(*) FROM \"procedures\" c WHERE c.\"AgencyId\" = @agency), p.\"Id\", p.\"Version\", p.\"NeedsAttention\", " +
                "(SELECT MAX(n.\"UpdatedAt\") FROM \"notifications\" n WHERE n.\"ProcedureId\" = p.\"Id\"), " +
                "(SELECT MAX(e.\"Id\") FROM \"notifications\" n JOIN \"notification_events\" e ON e.\"NotificationId\" = n.\"Id\" WHERE n.\"ProcedureId\" = p.\"Id\"), " +
                "(SELECT j.\"Version\" FROM \"sealing_jobs\" j WHERE j.\"ProcedureId\" = p.\"Id\") " +
                "FROM \"procedures\" p WHERE p.\"AgencyId\" = @agency ORDER BY p.\"CreatedAt\" DESC, p.\"Id\" DESC LIMIT 50";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@agency";
            parameter.Value = agency;
            command.Parameters.Add(parameter);
            var rows = 0;
            await using var r = await command.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                _ = r.GetString(1);
                _ = r.GetValue(2);
                _ = r.GetValue(4);
                _ = r.GetValue(5);
                rows++;
            }
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Round 5's stamps statement (list5), kept for the ratio with <see cref="ListedStamps"/>'s (round 6).</summary>
    public static async Task<int> RoundFiveStampsAsync(ParapheDbContext db, string agency, List<string> ids)
    {
        var times = db.Database.IsNpgsql()
            ? "string_agg(n.\"UpdatedAt\"::text || '/' || n.\"NextAttemptAt\"::text, ',' ORDER BY n.\"Id\")"
            : "group_concat(n.\"UpdatedAt\" || '/' || n.\"NextAttemptAt\", ',' ORDER BY n.\"Id\")";
        var where = $"WHERE n.\"AgencyId\" = @agency AND n.\"ProcedureId\" IN ({string.Join(", ", ids.Select((_, i) => $"@p{i}"))})";
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = ListedMessages.Command(db, $"""
                SELECT m.p, m.c, m.t, coalesce(e.c, 0), coalesce(e.x, 0) FROM
                  (SELECT n."ProcedureId" AS p, count(*) AS c, {times} AS t FROM notifications n {where} GROUP BY n."ProcedureId") m
                LEFT JOIN
                  (SELECT n."ProcedureId" AS p, count(*) AS c, max(e."Id") AS x FROM notifications n
                   JOIN notification_events e ON e."NotificationId" = n."Id" {where} GROUP BY n."ProcedureId") e ON e.p = m.p
                """, agency, ids);
            await using var r = await command.ExecuteReaderAsync();
            var rows = 0;
            while (await r.ReadAsync()) { _ = r.GetString(2); rows++; }
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>SQLite's unfiltered page statement, round 8's (<see cref="ListedStamps.SqlitePage"/>: one correlated
    /// subquery per item) or round 7's (<paramref name="roundSeven"/>: two grouped joins, for which SQLite builds two
    /// automatic indexes per page), through the same command and the same read of every column.</summary>
    public static async Task<int> SqlitePageStatementAsync(ParapheDbContext db, string agency, bool roundSeven)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = ListedMessages.Command(db, roundSeven ? RoundSevenSqlitePage : ListedStamps.SqlitePage, agency, []);
            foreach (var (name, value) in new[] { ("@skip", 0), ("@take", 50) })
            {
                var p = command.CreateParameter();
                p.ParameterName = name;
                p.Value = value;
                command.Parameters.Add(p);
            }
            await using var r = await command.ExecuteReaderAsync();
            var rows = 0;
            while (await r.ReadAsync())
            {
                for (var i = 0; i < r.FieldCount; i++) _ = r.GetValue(i);
                rows++;
            }
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private const string RoundSevenSqlitePage = """
        WITH page AS (SELECT "Id", "CreatedAt" AS o FROM procedures WHERE "AgencyId" = @agency
                      ORDER BY "CreatedAt" DESC, "Id" DESC LIMIT @take OFFSET @skip)
        SELECT pg."Id", (SELECT count(*) FROM procedures c WHERE c."AgencyId" = @agency), coalesce(v."Version", 0), 0, 0, 0,
               EXISTS (SELECT 1 FROM signers s WHERE s."ProcedureId" = pg."Id" AND s."OtpLockedAt" IS NOT NULL),
               coalesce(m.c, 0), coalesce(e.c, 0), coalesce(e.x, 0), coalesce(m.t, '')
        FROM page pg
        LEFT JOIN listed_versions v ON v."ProcedureId" = pg."Id"
        LEFT JOIN (SELECT n."ProcedureId" AS p, count(*) AS c,
                          group_concat(n."UpdatedAt" || '/' || n."NextAttemptAt", ',' ORDER BY n."Id") AS t
                   FROM notifications n WHERE n."AgencyId" = @agency AND n."ProcedureId" IN (SELECT "Id" FROM page)
                   GROUP BY n."ProcedureId") m ON m.p = pg."Id"
        LEFT JOIN (SELECT n."ProcedureId" AS p, count(*) AS c, max(e."Id") AS x
                   FROM notifications n JOIN notification_events e ON e."NotificationId" = n."Id"
                   WHERE n."AgencyId" = @agency AND n."ProcedureId" IN (SELECT "Id" FROM page)
                   GROUP BY n."ProcedureId") e ON e.p = pg."Id"
        ORDER BY pg.o DESC, pg."Id" DESC
        """;

    /// <summary>The same rows as EF projections (no tracking, no include): what the driver path is compared with.</summary>
    public static async Task<int> ProjectedMessagesAsync(ParapheDbContext db, List<string> ids)
    {
        var messages = await db.Notifications.AsNoTracking().Where(n => ids.Contains(n.ProcedureId!))
            .Select(n => new ListedMessage
            {
                Id = n.Id, ProcedureId = n.ProcedureId, SignerId = n.SignerId, Channel = n.Channel, Purpose = n.Purpose, To = n.To,
                Status = n.Status, Error = n.Error, FailureKind = n.FailureKind, CreatedAt = n.CreatedAt, UpdatedAt = n.UpdatedAt,
                NextAttemptAt = n.NextAttemptAt,
            }).ToListAsync();
        var events = await (from n in db.Notifications.AsNoTracking()
                            where ids.Contains(n.ProcedureId!)
                            join e in db.NotificationEvents.AsNoTracking() on n.Id equals e.NotificationId
                            select new { e.NotificationId, e.Id, e.Status, e.At, e.Detail }).ToListAsync();
        var byId = messages.ToDictionary(m => m.Id, StringComparer.Ordinal);
        foreach (var e in events.OrderBy(e => e.Id))
            if (byId.TryGetValue(e.NotificationId, out var message)) message.Timeline.Add(new ListedEvent(e.Id, e.Status, e.At, e.Detail));
        return byId.Count;
    }
}
