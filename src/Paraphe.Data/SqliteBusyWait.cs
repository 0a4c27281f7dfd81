using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Paraphe.Data;

/// <summary>
/// SQLite has one writer: a connection that finds the database locked waits. Left to Microsoft.Data.Sqlite, it
/// retries a busy statement after sleeping <b>150 ms</b> each time, so two writers that overlap by a millisecond (the
/// dispatcher's lanes claiming and recording, two callbacks) cost the second one 150 ms. SQLite's own busy handler
/// (`sqlite3_busy_timeout`) retries within milliseconds of the lock's release instead (measured: 150–170 ms → 11–43 ms
/// for a 5 ms overlap; docs/PERFORMANCE.md « Issue 12 — dispatcher », third round). The wait is bounded by the
/// connection's default timeout (30 s, as before): past it the statement fails busy as it would have.
/// </summary>
public sealed class SqliteBusyWait : DbConnectionInterceptor
{
    public static readonly SqliteBusyWait Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Set(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Set(connection);
        return Task.CompletedTask;
    }

    private static void Set(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle } sqlite)
            SQLitePCL.raw.sqlite3_busy_timeout(handle, sqlite.DefaultTimeout * 1000);
    }
}
