using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Paraphe.Data;

namespace Paraphe.Web.Features.Notifications.Callbacks;

/// <summary>
/// PostgreSQL's direct write of good news (<see cref="DeliveryWrite"/>, issue 12, fifth round) in <b>one round trip</b>:
/// the write — one statement (update, event and audit event through a CTE) that commits on its own in autocommit, no
/// BEGIN, no COMMIT — and the procedure's « À corriger » flag read <b>after that commit</b>, sent together in one
/// <see cref="NpgsqlBatch"/> with error barriers (a Sync after each statement: each is its own implicit transaction,
/// so the read starts once the write has committed, exactly as a read sent after it; and a refused write does not
/// stop the read, nor a failed read undo the write).
/// <para>
/// The write is built by EF's own relational command (its parameters typed and converted by EF's mapping), and EF's
/// command interceptors and logging see it as one command — executing, executed or failed — as they would the
/// command's own execution (the bench's counter counts this round trip as one command). Both statements are
/// prepared on the connection (sixth round), as <c>PreparedReads</c> prepares the signing page's read.
/// </para>
/// </summary>
internal static class PipelinedWrite
{
    /// <summary>What the round trip gave: the rows the write reported, and the flag (null when its read failed: the
    /// caller then falls back on the tracker's own read, which logs).</summary>
    public readonly record struct Outcome(int Affected, bool? Flagged);

    public static async Task<Outcome> RunAsync(ParapheDbContext db, IRelationalCommand write, IReadOnlyDictionary<string, object?> values,
        string flagSql, string procedureId, CancellationToken ct)
    {
        var connection = db.GetService<IRelationalConnection>();
        var logger = db.GetService<IRelationalCommandDiagnosticsLogger>();
        var parameters = DeliveryWrite.ParametersOf(db, values);
        var commandId = Guid.NewGuid();
        await using var command = ((IRelationalCommandTemplate)write).CreateDbCommand(parameters, commandId, DbCommandMethod.ExecuteNonQuery);
        var source = parameters.CommandSource;
        var start = new DateTimeOffset(db.UtcNow, TimeSpan.Zero); // the context's clock (the app's TimeProvider), as the interceptors' events read it
        var watch = Stopwatch.StartNew();
        var interception = await logger.CommandNonQueryExecutingAsync(connection, command, command.CommandText, db, commandId,
            connection.ConnectionId, start, source, ct);
        // An interceptor that answers in the command's place is obeyed; the flag is then read by the tracker.
        if (interception.HasResult) return new Outcome(interception.Result, null);

        var npgsql = (NpgsqlConnection)command.Connection!;
        await using var batch = npgsql.CreateBatch();
        batch.EnableErrorBarriers = true;
        var writing = new NpgsqlBatchCommand(command.CommandText);
        var moved = command.Parameters.Cast<NpgsqlParameter>().ToArray();
        command.Parameters.Clear();
        writing.Parameters.AddRange(moved);
        var reading = new NpgsqlBatchCommand(flagSql) { Parameters = { new NpgsqlParameter { Value = procedureId } } };
        batch.BatchCommands.Add(writing);
        batch.BatchCommands.Add(reading);
        int affected;
        bool? flagged = null;
        try
        {
            // Prepared (issue 12, sixth round): parsed and planned once per physical connection, found by its SQL
            // afterwards (nothing sent). The write returns no columns; the flag read's one column changed by another
            // instance's migration makes PostgreSQL refuse it once (0A000): the write stands and the tracker reads
            // the flag instead, as for any failed read, and Npgsql prepares it afresh the next time.
            await batch.PrepareAsync(ct);
            try
            {
                await using var reader = await batch.ExecuteReaderAsync(ct);
                var value = false;
                do
                {
                    while (await reader.ReadAsync(ct)) value = !reader.IsDBNull(0) && reader.GetBoolean(0);
                } while (await reader.NextResultAsync(ct));
                flagged = value;
            }
            // The read failed after the write committed: the write stands, the tracker reads the flag instead.
            catch (PostgresException e) when (e.BatchCommand == reading) { }
            affected = writing.RecordsAffected;
        }
        catch (Exception e)
        {
            await logger.CommandErrorAsync(connection, command, command.CommandText, db, DbCommandMethod.ExecuteNonQuery, commandId,
                connection.ConnectionId, e, start, watch.Elapsed, source, ct);
            throw;
        }
        affected = await logger.CommandNonQueryExecutedAsync(connection, command, command.CommandText, db, commandId,
            connection.ConnectionId, affected, start, watch.Elapsed, source, ct);
        return new Outcome(affected, flagged);
    }
}
