using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Paraphe.Data;
using Paraphe.Web.Features.Signing;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// <see cref="ListedStamps"/>' statement on PostgreSQL (issue 12, eighth round): the page's ids, the agency's count and
/// per item one text, its stamp, made of the <c>xmin</c> of the procedure's row, of each of its signers' rows, of its
/// sealing job's row and of each of its messages' rows, with the signers' and messages' counts and the events' count and
/// newest id.
/// <para>
/// <b>Set-based, not per item.</b> The page's signers, messages and events are each read by <b>one</b> index scan with
/// the page's ids (or the page's messages' ids) as an array (<c>= ANY(ARRAY(…))</c>) and grouped once, instead of one
/// lateral subquery per item and one per message (the seventh round's 50 + 50 + 300 rescans, which were most of
/// PostgreSQL's CPU for the statement: docs/PERFORMANCE.md, « Eighth round (listpg8) »).
/// </para>
/// <para>
/// <b>In id order, on purpose.</b> Each group's <c>xmin</c>s are listed in the rows' id order, so that a stamp does not
/// depend on the plan: a prepared statement's first executions on a connection are planned for their values and later
/// ones generically, and the page's and the filtered list's statements are planned apart; rows listed in whatever order
/// a plan reads them would give the same rows different stamps, and the list would rebuild items nothing wrote (each
/// ~0.6 ms of the app's CPU, against ~0.1 ms of PostgreSQL's for the sorts, measured). A <c>max(xmin)</c> or a sum
/// would not do: a transaction with a smaller id can commit after a larger one, and two rows' changes can cancel out.
/// </para>
/// <para>
/// The parts are joined into one text by the server (<c>concat</c>: each part in its place, an absent one empty), so the
/// app reads four columns a row and builds no string of its own.
/// </para>
/// </summary>
internal static class ListedStampsPostgres
{
    /// <summary><paramref name="ids"/> null: the agency's newest page (<paramref name="skip"/>, <paramref name="take"/>),
    /// with its count; otherwise these procedures of the agency, in no particular order.</summary>
    public static Task<(List<ListedStamp> Items, long Total)> ReadAsync(ParapheDbContext db, string agency,
        IReadOnlyList<string>? ids, int skip, int take, CancellationToken ct) =>
        PreparedReads.ReadAsync(db, async () =>
        {
            await using var command = new NpgsqlCommand(ids is null ? Page : ByIds, (NpgsqlConnection)db.Database.GetDbConnection())
            {
                Transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction,
            };
            command.Parameters.Add(new NpgsqlParameter<string>("agency", NpgsqlDbType.Text) { TypedValue = agency });
            if (ids is null)
            {
                command.Parameters.Add(new NpgsqlParameter<int>("skip", NpgsqlDbType.Integer) { TypedValue = skip });
                command.Parameters.Add(new NpgsqlParameter<int>("take", NpgsqlDbType.Integer) { TypedValue = take });
            }
            else command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. ids] });
            // Npgsql keeps it per physical connection, keyed by its text: after the first time on a connection this sends nothing.
            await command.PrepareAsync(ct);
            await using var r = await command.ExecuteReaderAsync(ct);
            var items = new List<ListedStamp>(50);
            long total = 0;
            while (await r.ReadAsync(ct))
            {
                total = r.GetInt64(1);
                items.Add(new ListedStamp(r.GetString(0), r.GetString(3), r.GetBoolean(2)));
            }
            return (items, total);
        }, ct);

    // Columns: 0 id, 1 the agency's count, 2 locked (a signer locked out of codes), 3 the stamp: procedure's xmin |
    // signers' count | their xmins | sealing job's xmin | messages' count | events' count | newest event | messages' xmins.
    private const string Stamps = """
        msgs AS MATERIALIZED (SELECT n."Id", n."ProcedureId" AS p, n.xmin AS v FROM notifications n
                              WHERE n."AgencyId" = @agency AND n."ProcedureId" = ANY(ARRAY(SELECT "Id" FROM page))),
        ev AS (SELECT e."NotificationId" AS n, count(*) AS c, max(e."Id") AS x FROM notification_events e
               WHERE e."NotificationId" = ANY(ARRAY(SELECT "Id" FROM msgs)) GROUP BY 1),
        m AS (SELECT msgs.p, count(*) AS c, string_agg(msgs.v::text, ',' ORDER BY msgs."Id") AS v, sum(ev.c) AS ec, max(ev.x) AS ex
              FROM msgs LEFT JOIN ev ON ev.n = msgs."Id" GROUP BY 1),
        s AS (SELECT s."ProcedureId" AS p, count(*) AS c, string_agg(s.xmin::text, ',' ORDER BY s."Id") AS v, bool_or(s."OtpLockedAt" IS NOT NULL) AS l
              FROM signers s WHERE s."ProcedureId" = ANY(ARRAY(SELECT "Id" FROM page)) GROUP BY 1)
        SELECT pg."Id", {total}, coalesce(s.l, false),
               concat(pg.v, '|', s.c, '|', s.v, '|', j.xmin, '|', m.c, '|', m.ec, '|', m.ex, '|', m.v)
        FROM page pg
        LEFT JOIN s ON s.p = pg."Id"
        LEFT JOIN sealing_jobs j ON j."ProcedureId" = pg."Id"
        LEFT JOIN m ON m.p = pg."Id"
        ORDER BY pg.o
        """;

    private static readonly string Page = """
        WITH page AS MATERIALIZED (SELECT p."Id", p.xmin AS v, row_number() OVER (ORDER BY p."CreatedAt" DESC, p."Id" DESC) AS o
                                   FROM procedures p WHERE p."AgencyId" = @agency
                                   ORDER BY p."CreatedAt" DESC, p."Id" DESC LIMIT @take OFFSET @skip),

        """ + Stamps.Replace("{total}", "(SELECT count(*) FROM procedures c WHERE c.\"AgencyId\" = @agency)", StringComparison.Ordinal);

    private static readonly string ByIds = """
        WITH page AS MATERIALIZED (SELECT p."Id", p.xmin AS v, o.n AS o FROM unnest(@ids) WITH ORDINALITY AS o(id, n)
                                   JOIN procedures p ON p."Id" = o.id WHERE p."AgencyId" = @agency),

        """ + Stamps.Replace("{total}", "0::bigint", StringComparison.Ordinal);
}
