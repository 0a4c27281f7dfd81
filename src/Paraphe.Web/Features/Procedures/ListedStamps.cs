using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Procedures;

/// <summary>One item of a stamped page: the procedure's id, the stamp of everything its item is built from, and whether a
/// signer is locked out of signing codes (such an item is never kept: its codes are not stamped).</summary>
public readonly record struct ListedStamp(string Id, string Stamp, bool Locked);

/// <summary>
/// A page of the list as ids and stamps, with no entity read (issue 12, seventh round): for the unfiltered list one
/// statement gives the page's ids in order, the agency's count and per item a stamp of everything the item is built from;
/// a filtered list reads its count and ids through EF (the filters are <see cref="ListProcedures.Query"/>'s), then the same
/// stamps by those ids. The list keeps each built item (<see cref="ListedItemCache"/>) under its stamp and serves it
/// again only while the database gives the same stamp.
/// <para>
/// A procedure's stamp covers its row, its signers' rows, its sealing job's row, its messages and their events:
/// <list type="bullet">
/// <item><b>PostgreSQL</b> (<see cref="ListedStampsPostgres"/>): the <c>xmin</c> of the procedure's row, of each signer's
/// row (with their count, in id order) and of its sealing job's row; each message's <c>xmin</c> in id order, and the
/// events' count and newest id.
/// <c>xmin</c> is the id of the transaction that wrote the row's current version: every <c>UPDATE</c> by any writer on
/// any instance (EF saves, <see cref="AttentionTracker"/>'s <c>ExecuteUpdate</c>, the dispatcher's claim, lease renewal
/// and set-based record, the callbacks' direct write, the sealing worker, the sweeps) writes a new version with its own
/// transaction's id, even when it writes the same values (which only costs a rebuild); an inserted row brings a new id
/// too, a deleted one changes the count. Two committed versions of a row never share an <c>xmin</c> short of 2³²
/// transactions later, and freezing keeps the raw value PostgreSQL returns.</item>
/// <item><b>SQLite</b> has no row version: <c>listed_versions</c> holds one number per procedure, moved by triggers
/// (migration <c>ListedVersions</c>) after every <c>UPDATE</c> of its procedure and every <c>INSERT</c>, <c>UPDATE</c>
/// or <c>DELETE</c> of its signers and sealing job, whoever writes — EF or SQL, any instance. It only grows, so a
/// stamp never comes back. The messages' part: their count, each message's <c>UpdatedAt</c> and
/// <c>NextAttemptAt</c> in id order with its events' count and newest id (round 5's parts, per message since the eighth
/// round: one correlated subquery per item, no automatic index built per page; every message write either records an event or
/// moves both times: see <c>Notification.Move</c>, the dispatcher, <c>DeliveryWrite</c>, <c>OutboxClaims</c>).</item>
/// </list>
/// A signer's one-time codes are not stamped: the item shows them only once the signer is locked out (the diagnosis counts
/// them), which sets <c>OtpLockedAt</c> on the signer's row; the statement says so (<see cref="ListedStamp.Locked"/>) and
/// such an item is built every time, never kept.
/// </para>
/// <para>
/// The stamps are read before anything an item is built from: a write between the two leaves an item newer than its
/// stamp, which the next request's stamp no longer matches (never an item older than its stamp).
/// </para>
/// <para>
/// Tenant isolation: every part of the statement names the agency or is reached from the agency's procedures (signers
/// and sealing jobs have no agency of their own and are read by the page's procedure ids). PostgreSQL: the statements
/// have one text each (the ids as one array parameter) and are prepared once per pooled connection; one made stale by
/// another instance's migration is prepared afresh once (<see cref="PreparedReads.ReadAsync{T}"/>).
/// </para>
/// </summary>
public static class ListedStamps
{
    /// <summary>The page of <paramref name="query"/> (already filtered and ordered; <paramref name="unfiltered"/>: it has no
    /// filter, the common `GET /procedures`) as ids and stamps, in the list's order.</summary>
    public static async Task<Paged<ListedStamp>> PageAsync(ParapheDbContext db, IQueryable<Procedure> query, bool unfiltered,
        int? page, int? pageSize, CancellationToken ct)
    {
        var (p, size) = Paging.Window(page, pageSize);
        if (db.TenantAgencyId is not { } agency) return new Paged<ListedStamp>([], p, size, await query.CountAsync(ct));
        if (unfiltered)
        {
            var (items, total) = await ReadAsync(db, agency, null, (p - 1) * size, size, ct);
            // A page past the end has no row to carry the count.
            return new Paged<ListedStamp>(items, p, size, items.Count > 0 ? checked((int)total) : await query.CountAsync(ct));
        }
        var ids = await Paged<string>.OfAsync(query.Select(x => x.Id), page, pageSize, x => x, ct);
        if (ids.Items.Count == 0) return new Paged<ListedStamp>([], p, size, ids.Total);
        var (read, _) = await ReadAsync(db, agency, ids.Items, 0, 0, ct);
        var byId = read.ToDictionary(x => x.Id, StringComparer.Ordinal);
        // A procedure deleted between the two reads is left out, as a page read a moment later would leave it.
        return new Paged<ListedStamp>(ids.Items.Where(byId.ContainsKey).Select(id => byId[id]).ToList(), p, size, ids.Total);
    }

    /// <summary>Each procedure's stamp by its id (for the bench and the tests: what the list compares).</summary>
    public static async Task<Dictionary<string, string>> ForAsync(ParapheDbContext db, IReadOnlyList<string> procedureIds, CancellationToken ct)
    {
        if (procedureIds.Count == 0 || db.TenantAgencyId is not { } agency) return new(StringComparer.Ordinal);
        var (items, _) = await ReadAsync(db, agency, procedureIds, 0, 0, ct);
        return items.ToDictionary(x => x.Id, x => x.Stamp, StringComparer.Ordinal);
    }

    /// <summary><paramref name="ids"/> null: the agency's newest page (<paramref name="skip"/>, <paramref name="take"/>),
    /// with its count; otherwise these procedures of the agency, in no particular order.</summary>
    private static async Task<(List<ListedStamp> Items, long Total)> ReadAsync(ParapheDbContext db, string agency,
        IReadOnlyList<string>? ids, int skip, int take, CancellationToken ct)
    {
        if (db.IsPostgres) return await ListedStampsPostgres.ReadAsync(db, agency, ids, skip, take, ct);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var byIds = ids is null ? "" : $" AND \"Id\" IN ({string.Join(", ", ids.Select((_, i) => $"@p{i}"))})";
            var command = ListedMessages.Command(db, ids is null ? SqlitePage : SqliteByIds.Replace("{ids}", byIds, StringComparison.Ordinal),
                agency, ids ?? []);
            if (ids is null)
            {
                Add(command, "@skip", skip);
                Add(command, "@take", take);
            }
            return await RowsAsync(command, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void Add(DbCommand command, string name, int value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    /// <summary>SQLite's columns: id, count, the procedure's number, locked, the messages' part.</summary>
    private static async Task<(List<ListedStamp>, long)> RowsAsync(DbCommand statement, CancellationToken ct)
    {
        await using var command = statement;
        await using var r = await command.ExecuteReaderAsync(ct);
        var items = new List<ListedStamp>(50);
        long total = 0;
        while (await r.ReadAsync(ct))
        {
            total = r.GetInt64(1);
            items.Add(new ListedStamp(r.GetString(0), string.Concat(r.GetInt64(2).ToString(CultureInfo.InvariantCulture), "|", r.GetString(4)),
                r.GetBoolean(3)));
        }
        return (items, total);
    }

    // SQLite: columns 0 id, 1 count, 2 the procedure's number (listed_versions), 3 locked, 4 the messages' part: their
    // count, then each message's two times and its events' count and newest id, in id order.
    // Eighth round (list8): one correlated subquery per item (index searches by ProcedureId, then by NotificationId on a
    // covering index) instead of two grouped joins, for which SQLite built two automatic indexes on every page.
    private const string SqliteStamps = """
        SELECT pg."Id", {total}, coalesce(v."Version", 0),
               EXISTS (SELECT 1 FROM signers s WHERE s."ProcedureId" = pg."Id" AND s."OtpLockedAt" IS NOT NULL),
               (SELECT count(*) || ':' || coalesce(group_concat(n."UpdatedAt" || '/' || n."NextAttemptAt" || '/'
                         || (SELECT count(*) || '.' || coalesce(max(e."Id"), 0) FROM notification_events e WHERE e."NotificationId" = n."Id"),
                         ',' ORDER BY n."Id"), '')
                FROM notifications n WHERE n."AgencyId" = @agency AND n."ProcedureId" = pg."Id")
        FROM page pg
        LEFT JOIN listed_versions v ON v."ProcedureId" = pg."Id"
        ORDER BY pg.o DESC, pg."Id" DESC
        """;

    /// <summary>The unfiltered page's statement on SQLite (internal: the bench measures it against round 7's).</summary>
    internal static readonly string SqlitePage = """
        WITH page AS (SELECT "Id", "CreatedAt" AS o FROM procedures WHERE "AgencyId" = @agency
                      ORDER BY "CreatedAt" DESC, "Id" DESC LIMIT @take OFFSET @skip)

        """ + SqliteStamps.Replace("{total}", "(SELECT count(*) FROM procedures c WHERE c.\"AgencyId\" = @agency)", StringComparison.Ordinal);

    private static readonly string SqliteByIds = """
        WITH page AS (SELECT "Id", '' AS o FROM procedures WHERE "AgencyId" = @agency{ids})

        """ + SqliteStamps.Replace("{total}", "0", StringComparison.Ordinal);
}
