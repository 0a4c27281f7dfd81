using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;

namespace Paraphe.Web.Features.Notifications.Callbacks;

/// <summary>
/// SQLite's direct write of good news (<see cref="DeliveryWrite"/>, issue 12, sixth round) carries its transaction in
/// its own text — <c>BEGIN IMMEDIATE; …; COMMIT;</c>, what Microsoft.Data.Sqlite sends for EF's transaction (the write
/// lock taken at BEGIN, waited for by SQLite's busy handler) — instead of EF's transaction object around it: no BEGIN
/// and COMMIT commands of their own, no transaction diagnostics. The transaction is then unknown to EF and to the
/// connection object, so whoever runs such a command must call <see cref="RollBackIfOpen"/> when it fails: a statement
/// refused between BEGIN and COMMIT (the chain's unique index) leaves the statements before it in an open
/// transaction, which must neither commit nor go back to the pool with the connection.
/// </summary>
internal static class SqliteOwnTransaction
{
    /// <summary>The statements <paramref name="sql"/> in one transaction of their own.</summary>
    public static string Wrap(string sql) => "BEGIN IMMEDIATE;\n" + sql + (sql.EndsWith('\n') ? "" : "\n") + "COMMIT;";

    /// <summary>Rolls back a transaction left open on the context's connection by a failed command; nothing if none is.</summary>
    public static void RollBackIfOpen(ParapheDbContext db)
    {
        if (!IsOpen(db)) return;
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        try
        {
            using var rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // The native connection must not be reused inside that transaction: closed when returned (closing rolls back).
            SqliteConnection.ClearPool(connection);
        }
    }

    /// <summary>Whether the context's SQLite connection is inside a transaction.</summary>
    public static bool IsOpen(ParapheDbContext db) =>
        db.Database.GetDbConnection() is SqliteConnection { Handle: { } handle } && SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0;
}
