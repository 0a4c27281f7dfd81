using Microsoft.EntityFrameworkCore;
using Npgsql;
using Paraphe.Data;

namespace Paraphe.Web.Features.Signing;

/// <summary>
/// Issue 12 (page4): on PostgreSQL, the reads that run on every signing request or list page are sent as <b>prepared
/// statements</b> — parsed and planned once per pooled connection instead of on every request, which halves PostgreSQL's
/// CPU for them (docs/PERFORMANCE.md). Since the seventh round (sign7) they are <see cref="NpgsqlCommand"/>s on the
/// context's connection, below EF (<see cref="OpenedLinks"/>, <c>ListedStamps</c>), prepared with
/// <see cref="NpgsqlCommand.PrepareAsync"/>: Npgsql keeps a prepared statement per physical connection, keyed by its SQL,
/// so after the first time on a connection preparing finds it and sends nothing.
/// <para>
/// Safe across another instance's migration: a migration that changes the type of a column the statement returns makes
/// PostgreSQL refuse the prepared statement once per connection (<c>0A000: cached plan must not change result type</c>).
/// Npgsql then marks the statement invalid, and <see cref="ReadAsync{T}"/> reads once more <b>on the same connection</b>,
/// where it is prepared afresh against the new schema. The reads are plain <c>SELECT</c>s outside any transaction, so
/// reading twice changes nothing. Tests <c>PreparedReadsAcrossAMigration</c>, <c>ListedStampsAcrossAMigration</c>.
/// </para>
/// </summary>
public static class PreparedReads
{
    private static long readAgain;

    /// <summary>Reads refused for a stale plan and read again, since the process started (tests, diagnostics).</summary>
    public static long ReadAgain => Interlocked.Read(ref readAgain);

    /// <summary>
    /// Runs a read; on PostgreSQL with the connection held open, so that a read refused because another instance
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
                Interlocked.Increment(ref readAgain);
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
