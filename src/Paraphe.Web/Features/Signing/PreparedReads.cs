using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using Paraphe.Data;

namespace Paraphe.Web.Features.Signing;

/// <summary>
/// Issue 12 (page4): on PostgreSQL, the opened link's one read per signing request (<see cref="OpenedLinks"/>) is sent
/// as a <b>prepared statement</b> — parsed and planned once per pooled connection instead of on every request, which
/// halves PostgreSQL's CPU for it (docs/PERFORMANCE.md). Only queries tagged <see cref="Tag"/> are prepared (EF Core's
/// <c>TagWith</c>), through EF's own command pipeline, so the other interceptors and the logs still see the read.
/// <para>
/// Safe across another instance's migration: a migration that changes the type of a column the statement returns makes
/// PostgreSQL refuse the prepared statement once per connection (<c>0A000: cached plan must not change result type</c>).
/// Npgsql then marks the statement invalid, and <see cref="ReadAsync{T}"/> reads once more <b>on the same connection</b>,
/// where it is prepared afresh against the new schema. The read is a plain <c>SELECT</c> outside any transaction, so
/// reading it twice changes nothing. Test <c>PreparedReadsAcrossAMigration</c>.
/// </para>
/// Registered on PostgreSQL only (<c>Platform/Database.cs</c>); SQLite has no server-side plan to keep.
/// </summary>
public sealed class PreparedReads : DbCommandInterceptor
{
    /// <summary>The tag (<c>TagWith</c>) of a query to prepare.</summary>
    public const string Tag = "paraphe:prepared";

    private const string Marker = "-- " + Tag;

    public static readonly PreparedReads Instance = new();

    private PreparedReads() { }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result)
    {
        if (ToPrepare(command) is { } npgsql) npgsql.Prepare();
        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        // Npgsql keeps a prepared statement per physical connection, keyed by its SQL: after the first time on a
        // connection this finds it and sends nothing.
        if (ToPrepare(command) is { } npgsql) await npgsql.PrepareAsync(cancellationToken);
        return result;
    }

    private static NpgsqlCommand? ToPrepare(DbCommand command) =>
        command is NpgsqlCommand npgsql && command.CommandText.StartsWith(Marker, StringComparison.Ordinal) ? npgsql : null;

    /// <summary>
    /// Runs a tagged read; on PostgreSQL with the connection held open, so that a read refused because another instance
    /// changed the schema under its prepared statement is read again on the same connection (prepared afresh), once.
    /// </summary>
    public static async Task<T> ReadAsync<T>(ParapheDbContext db, Func<Task<T>> read, CancellationToken ct)
    {
        if (!db.IsPostgres) return await read();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            try
            {
                return await read();
            }
            catch (Exception e) when (IsStalePlan(e))
            {
                return await read();
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>PostgreSQL refused a prepared statement whose result type a schema change altered (0A000).</summary>
    public static bool IsStalePlan(Exception e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.FeatureNotSupported }
        || e.InnerException is PostgresException { SqlState: PostgresErrorCodes.FeatureNotSupported };
}
