using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Paraphe.Data;

namespace Paraphe.Web.Tests.Crash;

/// <summary>
/// `DbErrors.IsUnavailable` tells a database out of reach (answered `503 service_unavailable`) from a conflict between
/// writers (`409`) and from a real failure (`500`), by exception type and code: the SQLite half, which the outage test
/// on PostgreSQL cannot reach, and the shapes Npgsql and EF wrap connection failures in.
/// </summary>
public sealed class DatabaseErrorsClassification
{
    public static TheoryData<string, Exception> Unavailable => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)) },
        { "stream broken mid-query", new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer")) },
        { "open timed out", new NpgsqlException("The operation has timed out", new TimeoutException()) },
        { "server shutting down", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01") },
        { "server starting", new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03") },
        { "connection failure", new PostgresException("connection failure", "FATAL", "FATAL", "08006") },
        { "too many connections", new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300") },
        { "inside EF's save", new DbUpdateException("An error occurred while saving", new NpgsqlException("Exception while writing to stream", new IOException("Broken pipe"))) },
        { "inside EF's retry wrapper", new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
            new NpgsqlException("Failed to connect", new SocketException((int)SocketError.HostUnreachable))) },
        { "SQLite cannot open", new SqliteException("SQLite Error 14: 'unable to open database file'.", 14) },
        { "SQLite disk I/O", new SqliteException("SQLite Error 10: 'disk I/O error'.", 10, 266) },
    };

    public static TheoryData<string, Exception> NotUnavailable => new()
    {
        { "unique violation", new DbUpdateException("save", new PostgresException("duplicate key", "ERROR", "ERROR", "23505")) },
        { "serialization failure", new PostgresException("could not serialize access", "ERROR", "ERROR", "40001") },
        { "deadlock", new PostgresException("deadlock detected", "ERROR", "ERROR", "40P01") },
        { "syntax error (a bug)", new PostgresException("syntax error", "ERROR", "ERROR", "42601") },
        { "stale row", new DbUpdateConcurrencyException("0 rows") },
        { "SQLite busy", new SqliteException("SQLite Error 5: 'database is locked'.", 5) },
        { "SQLite unique", new SqliteException("SQLite Error 19: 'UNIQUE constraint failed'.", 19, 2067) },
        { "SQLite no such table (a bug)", new SqliteException("SQLite Error 1: 'no such table'.", 1) },
        { "not the database", new InvalidOperationException("Sequence contains no elements") },
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void ConnectionFailuresAreUnavailableNotConflicts(string what, Exception e)
    {
        Assert.True(DbErrors.IsUnavailable(e), $"{what} should be answered 503 service_unavailable");
        Assert.False(DbErrors.IsConflict(e), $"{what} is not a conflict between writers");
    }

    [Theory]
    [MemberData(nameof(NotUnavailable))]
    public void ConflictsAndBugsAreNotUnavailable(string what, Exception e) =>
        Assert.False(DbErrors.IsUnavailable(e), $"{what} must not be answered 503 (a retry would not help, or it is a 409)");

    [Fact]
    public void APostgresConnectionStringGetsAShortOpenTimeoutUnlessItSetsOne()
    {
        var given = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithConnectTimeout("Host=db;Database=paraphe;Username=p;Password=s"));
        Assert.Equal(DatabaseSetup.DefaultConnectTimeoutSeconds, given.Timeout);
        Assert.Equal("s", given.Password);
        var own = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithConnectTimeout("Host=db;Database=paraphe;Timeout=30"));
        Assert.Equal(30, own.Timeout);
    }
}
