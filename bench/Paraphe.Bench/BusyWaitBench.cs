using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Paraphe.Data;

namespace Paraphe.Bench;

/// <summary>
/// `--scenario busy-wait` (issue 12, fourth round): what SQLite's busy wait costs per connection open, in one process,
/// blocks interleaved. Three pooled <see cref="ParapheDbContext"/> pools on one SQLite file, each lease opening its
/// connection, running `PRAGMA busy_timeout` and closing: the app's (<see cref="SqliteConnections"/>, set from the
/// connection's StateChange), the third round's EF connection interceptor, and none (Microsoft.Data.Sqlite's 150 ms
/// sleeps). Prints CPU µs and bytes per lease (process-wide: compare rows of one run) and the timeout each answered.
/// Since sign9 the app's row is also made without EF's SQL functions, which the other two rows still carry (EF's own
/// connection): the gap between the app's row and the others is what registering them at every open and removing them
/// at every close costs.
/// </summary>
public static class BusyWaitBench
{
    public const string Flag = "busy-wait";

    /// <summary>The third round's mechanism, kept here only to measure it.</summary>
    private sealed class InterceptorWait : DbConnectionInterceptor
    {
        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
        {
            if (connection is SqliteConnection { Handle: { } handle } sqlite)
                SQLitePCL.raw.sqlite3_busy_timeout(handle, sqlite.DefaultTimeout * 1000);
            return Task.CompletedTask;
        }
    }

    public static async Task RunAsync(int iterations = 5000, int rounds = 8)
    {
        var directory = Directory.CreateTempSubdirectory("paraphe-busy-").FullName;
        // One file per mechanism: Microsoft.Data.Sqlite pools native handles per connection string, and a handle keeps
        // the busy timeout it was given, so pools sharing a file would share what another mechanism set.
        string Cs(string name) => $"Data Source={Path.Combine(directory, name + ".db")}";
        var pools = new (string Name, PooledDbContextFactory<ParapheDbContext> Pool)[]
        {
            ("the app's: SqliteConnections (StateChange, round 4; no EF SQL functions, sign9)", Pool(o => o.Use(DatabaseProvider.Sqlite, Cs("app")))),
            ("EF's own connection (its SQL functions) + an EF connection interceptor (round 3)", Pool(o => o.UseSqlite(Cs("interceptor")).AddInterceptors(new InterceptorWait()))),
            ("EF's own connection (its SQL functions), no busy wait (Microsoft.Data.Sqlite's sleeps)", Pool(o => o.UseSqlite(Cs("none")))),
        };
        var cpu = new double[pools.Length];
        var bytes = new long[pools.Length];
        var timeout = new long[pools.Length];
        for (var round = -1; round < rounds; round++) // round -1: warm-up
            for (var i = 0; i < pools.Length; i++)
            {
                var process = Process.GetCurrentProcess();
                var cpu0 = process.TotalProcessorTime;
                var bytes0 = GC.GetTotalAllocatedBytes(precise: true);
                for (var n = 0; n < iterations; n++)
                {
                    await using var db = pools[i].Pool.CreateDbContext();
                    await db.Database.OpenConnectionAsync();
                    await using (var command = db.Database.GetDbConnection().CreateCommand())
                    {
                        command.CommandText = "PRAGMA busy_timeout";
                        timeout[i] = (long)(await command.ExecuteScalarAsync())!;
                    }
                    await db.Database.CloseConnectionAsync();
                }
                process.Refresh();
                if (round < 0) continue;
                cpu[i] += (process.TotalProcessorTime - cpu0).TotalMilliseconds;
                bytes[i] += GC.GetTotalAllocatedBytes(precise: true) - bytes0;
            }

        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
        Console.WriteLine($"## SQLite busy wait: cost per lease (open, one PRAGMA, close), {rounds} × {iterations} interleaved; load {load}");
        Console.WriteLine();
        Console.WriteLine("| mechanism | CPU µs/lease | bytes/lease | PRAGMA busy_timeout |");
        Console.WriteLine("|---|---:|---:|---:|");
        for (var i = 0; i < pools.Length; i++)
            Console.WriteLine($"| {pools[i].Name} | {cpu[i] * 1000 / (rounds * iterations):F1} | {bytes[i] / (rounds * iterations):F0} | {timeout[i]} |");
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    private static PooledDbContextFactory<ParapheDbContext> Pool(Action<DbContextOptionsBuilder> configure)
    {
        var options = new DbContextOptionsBuilder<ParapheDbContext>();
        configure(options);
        return new PooledDbContextFactory<ParapheDbContext>(options.Options);
    }
}
