using System.Data.Common;
using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Domain.Audit;

namespace Paraphe.Bench.Delivery;

/// <summary>
/// What a callback would cost with nothing but its rows: the same three rows it writes (the message's update, its
/// event, its audit event chained with a SHA-256) over raw ADO.NET in one durable transaction, with and without the one
/// read of what it needs (the message's newest event and the chain's end). Written on a procedure kept out of the
/// callbacks' pool; its audit rows are numbered far past any real chain so they never collide with one.
/// </summary>
public static class CallbackFloors
{
    private static long seq = 1_000_000;

    public static Scenario SameRows(string procedureId, string notificationId) => Rows("floor: same 3 rows, raw ADO.NET",
        "BEGIN; UPDATE notifications; INSERT notification_events; INSERT audit_events (hash computed); COMMIT — one command",
        () => notificationId, procedureId, read: false, done: null);

    public static Scenario ReadAndSameRows(string procedureId, string notificationId) => Rows("floor: 1 read + same 3 rows, raw ADO.NET",
        "BEGIN; SELECT the message, its newest event and the chain's end; then the same 3 rows; COMMIT", () => notificationId, procedureId,
        read: true, done: null);

    /// <summary>
    /// The same read and rows, each time for another seeded message, chained onto its own procedure's audit chain: the
    /// pages a callback really touches (another message's row, its procedure's index entries) rather than one hot row
    /// rewritten (issue 12, sixth round). <paramref name="done"/> is given each message written.
    /// </summary>
    public static Scenario ReadAndRowsOfAnotherMessage(Func<string> next, Action<string> done) => Rows(
        "floor: 1 read + the 3 rows of another message each time, raw ADO.NET",
        "as « 1 read + same 3 rows », each time for a different seeded message, chained onto its own procedure's audit chain",
        next, procedureId: null, read: true, done);

    private const string SharedRead = """
        SELECT n."Status", n."UpdatedAt",
          (SELECT e."Status" FROM notification_events e WHERE e."NotificationId" = n."Id" ORDER BY e."Id" DESC LIMIT 1),
          (SELECT a."Hash" FROM audit_events a WHERE a."ProcedureId" = n."ProcedureId" ORDER BY a."Seq" DESC LIMIT 1)
        FROM notifications n WHERE n."Id" = @id
        """;

    private const string ReadOfItsOwn = """
        SELECT n."Status", n."UpdatedAt",
          (SELECT e."Status" FROM notification_events e WHERE e."NotificationId" = n."Id" ORDER BY e."Id" DESC LIMIT 1),
          (SELECT a."Hash" FROM audit_events a WHERE a."ProcedureId" = n."ProcedureId" ORDER BY a."Seq" DESC LIMIT 1),
          (SELECT a."Seq" FROM audit_events a WHERE a."ProcedureId" = n."ProcedureId" ORDER BY a."Seq" DESC LIMIT 1),
          n."ProcedureId"
        FROM notifications n WHERE n."Id" = @id
        """;

    private static Scenario Rows(string name, string description, Func<string> next, string? procedureId, bool read, Action<string>? done) =>
        new(name, description, app => async () =>
    {
        var notificationId = next();
        var procedure = procedureId;
        await using var connection = app.OpenFloorConnection();
        await using var transaction = await connection.BeginTransactionAsync();
        var now = DateTime.UtcNow;
        var previous = AuditEvent.GenesisHash;
        var s = 0;
        if (read)
        {
            await using var select = connection.CreateCommand();
            select.Transaction = transaction;
            // The shared floors read what they always read; a message of its own also needs its chain's seq and procedure.
            select.CommandText = procedure is null ? ReadOfItsOwn : SharedRead;
            Add(select, "@id", notificationId);
            await using var reader = await select.ExecuteReaderAsync();
            if (await reader.ReadAsync())
            {
                if (!reader.IsDBNull(3)) previous = reader.GetString(3);
                // A message of its own: its procedure's chain continues (the shared floors number far past any chain).
                if (procedure is null)
                {
                    s = reader.IsDBNull(4) ? 1 : reader.GetInt32(4) + 1;
                    procedure = reader.GetString(5);
                }
            }
            CommandCounter.Instance.Add();
        }
        if (procedure is null) throw new InvalidOperationException($"message {notificationId} not found");
        if (s == 0) s = (int)Interlocked.Increment(ref seq);
        var data = $"{{\"notification_id\":\"{notificationId}\",\"channel\":\"sms\",\"purpose\":\"invitation\"}}";
        var at = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE notifications SET "Status" = 'Delivered', "UpdatedAt" = @now WHERE "Id" = @id;
            INSERT INTO notification_events ("NotificationId", "Status", "At", "Detail") VALUES (@id, 'Delivered', @now, 'Twilio : remis au téléphone');
            INSERT INTO audit_events ("AgencyId", "ProcedureId", "Seq", "At", "Type", "Actor", "Data", "PrevHash", "Hash")
              SELECT "AgencyId", @procedure, @seq, @at, 'notification.delivered', 'twilio', @data, @prev, @hash FROM procedures WHERE "Id" = @procedure;
            """;
        Add(command, "@now", now);
        Add(command, "@id", notificationId);
        Add(command, "@procedure", procedure);
        Add(command, "@seq", s);
        Add(command, "@at", at);
        Add(command, "@data", data);
        Add(command, "@prev", previous);
        Add(command, "@hash", AuditEvent.HashOf(previous, s, at, "notification.delivered", "twilio", data));
        await command.ExecuteNonQueryAsync();
        CommandCounter.Instance.Add();
        await transaction.CommitAsync();
        done?.Invoke(notificationId);
    });

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    /// <summary>
    /// Cost per operation, independent of how busy the machine is: one client runs <paramref name="operations"/> in a
    /// row; CPU time of the whole process (every thread: EF, the driver, the GC) and bytes allocated, divided by the
    /// count; SQL commands per operation; wall time per operation (this one does depend on load).
    /// </summary>
    public static async Task<(double CpuMs, double KBytes, double Commands, double WallMs)> CostAsync(Func<Task> operation, int operations)
    {
        for (var i = 0; i < Math.Min(50, operations); i++) await operation(); // warm
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        var commands = CommandCounter.Instance.Count;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < operations; i++) await operation();
        watch.Stop();
        process.Refresh();
        return ((process.TotalProcessorTime - cpu).TotalMilliseconds / operations,
            (GC.GetTotalAllocatedBytes(precise: true) - bytes) / 1024.0 / operations,
            (double)(CommandCounter.Instance.Count - commands) / operations, watch.Elapsed.TotalMilliseconds / operations);
    }

    public static string CostTable(IReadOnlyList<(DatabaseProvider Db, string Operation, (double CpuMs, double KBytes, double Commands, double WallMs) Cost)> rows, int operations)
    {
        var b = new StringBuilder();
        b.AppendLine();
        b.AppendLine($"Cost per operation (one client, {operations} operations in a row after 50 warm ones; CPU = the whole process, every thread; " +
                     "CPU and allocations do not depend on the machine's load, wall time does):");
        b.AppendLine();
        b.AppendLine("| Database | Operation | CPU ms/op | KB allocated/op | commands/op | wall ms/op |");
        b.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var (db, operation, c) in rows)
            b.AppendLine($"| {Report.Name(db)} | {operation} | {c.CpuMs:F3} | {c.KBytes:F1} | {c.Commands:F1} | {c.WallMs:F3} |");
        return b.ToString();
    }

    /// <summary>The reserved procedure (out of the callbacks' pool) and one of its messages, for the floors' rows.</summary>
    public static async Task<(string ProcedureId, string NotificationId, HashSet<string> All)> ReservedAsync(BenchApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var n = await db.Notifications.IgnoreQueryFilters().AsNoTracking().OrderBy(x => x.Id).FirstAsync();
        var all = await db.Notifications.IgnoreQueryFilters().Where(x => x.ProcedureId == n.ProcedureId).Select(x => x.Id).ToListAsync();
        return (n.ProcedureId!, n.Id, all.ToHashSet());
    }
}
