using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Outbox;

namespace Paraphe.Bench.Delivery;

/// <summary>
/// How fast OutboxDispatcher drains a backlog through the capture provider: N queued invitations from real launched
/// procedures (3 signers each: an email and an SMS per signer), then <c>DispatchBatchAsync</c> in a loop, as the
/// hosted service runs it when woken, until nothing is due. A fresh database per (database, batch size).
/// </summary>
public static class DispatcherBench
{
    private sealed record Drain(DatabaseProvider Db, string Settings, int BatchSize, int Procedures, int Messages, TimeSpan Seed,
        TimeSpan Elapsed, int Batches, long[] BatchTicks, long Commands, long Commits, double FloorPerSecond, int Sent, int Captured,
        string? Error)
    {
        public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;
        public double CommitsPerMessage => (double)Commits / Messages;
    }

    private const int SignersPerProcedure = 3;
    private const int MessagesPerProcedure = 2 * SignersPerProcedure;

    public static async Task<(string Markdown, bool Ok)> RunAsync(BenchOptions options)
    {
        var drains = new List<Drain>();
        foreach (var provider in options.Databases)
        foreach (var batchSize in options.BatchSizes)
            drains.Add(await RunOneAsync(provider, batchSize, options.Messages));
        return (Markdown(drains), drains.All(d => d.Error is null && d.Sent == d.Messages && d.Captured == d.Messages));
    }

    private static async Task<Drain> RunOneAsync(DatabaseProvider provider, int batchSize, int messages)
    {
        var ct = CancellationToken.None;
        Console.Error.WriteLine($"[dispatcher {provider} batch={batchSize}] preparing…");
        await using var app = await BenchApp.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Paraphe:Outbox:BatchSize"] = batchSize.ToString(CultureInfo.InvariantCulture),
            ["Paraphe:Email:Provider"] = "capture",
            ["Paraphe:Sms:Provider"] = "capture",
        });

        // Seed: launched procedures, exactly as the API's create+launch writes them (2 clients, to be done sooner).
        var procedures = (messages + MessagesPerProcedure - 1) / MessagesPerProcedure;
        var seedWatch = Stopwatch.StartNew();
        var launch = Scenarios.OneTransaction.Prepare(app);
        var left = procedures;
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref left) >= 0) await launch();
        })));
        seedWatch.Stop();
        var queued = await CountAsync(app, n => n.Status == DeliveryStatus.Queued);
        Console.Error.WriteLine($"[dispatcher {provider} batch={batchSize}] seeded {procedures} procedures, {queued} queued messages " +
                                $"in {seedWatch.Elapsed.TotalSeconds:F1} s; draining…");

        // Drain: one dispatcher, as the hosted service runs it while there is work (no poll wait between batches).
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        var batchTicks = new List<long>();
        string? error = null;
        var commands = CommandCounter.Instance.Count;
        var commits = SaveCounter.Instance.Count;
        var watch = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                var t0 = Stopwatch.GetTimestamp();
                if (await dispatcher.DispatchBatchAsync(ct) == 0) break;
                batchTicks.Add(Stopwatch.GetTimestamp() - t0);
            }
        }
        catch (Exception e)
        {
            error = $"{e.GetType().Name}: {e.Message}";
        }
        watch.Stop();
        commands = CommandCounter.Instance.Count - commands;
        commits = SaveCounter.Instance.Count - commits;

        // The durable-commit floor on the same database, right after the drain (same machine state, same disk).
        var floor = await LoadRunner.RunRoundAsync(Scenarios.Floor.Prepare(app), 1, TimeSpan.FromSeconds(3));

        var sent = await CountAsync(app, n => n.Status == DeliveryStatus.Sent);
        await using var scope = app.Services.CreateAsyncScope();
        var captured = await scope.ServiceProvider.GetRequiredService<ParapheDbContext>().CapturedMessages.IgnoreQueryFilters().CountAsync(ct);
        var drain = new Drain(provider, app.Settings, batchSize, procedures, queued, seedWatch.Elapsed, watch.Elapsed, batchTicks.Count,
            batchTicks.Order().ToArray(), commands, commits, floor.OpsPerSecond, sent, captured, error);
        Console.Error.WriteLine($"[dispatcher {provider} batch={batchSize}] {drain.Messages} messages in {drain.Elapsed.TotalSeconds:F1} s: " +
                                $"{drain.MessagesPerSecond:F0} msg/s, {drain.CommitsPerMessage:F2} commits/msg, floor {floor.OpsPerSecond:F0}/s; sent {sent}, captured {captured}{(error is null ? "" : $"; {error}")}");
        return drain;
    }

    private static async Task<int> CountAsync(BenchApp app, System.Linq.Expressions.Expression<Func<Notification, bool>> where)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ParapheDbContext>().Notifications.IgnoreQueryFilters().CountAsync(where);
    }

    private static string Markdown(IReadOnlyList<Drain> drains)
    {
        var b = new StringBuilder();
        b.AppendLine("OutboxDispatcher.DispatchBatchAsync in a loop until nothing is due, capture provider for both channels; " +
                     $"the backlog is {SignersPerProcedure}-signer procedures created and launched as the API does (an email and an " +
                     "SMS invitation per signer). One run per row, on a fresh database; commands = SQL commands sent (BEGIN/COMMIT " +
                     "not counted); commits = SaveChangesAsync calls that wrote rows (each one durable commit); floor = one-row insert " +
                     "transactions per second on the same database right after the drain (3 s). Batch ms = one DispatchBatchAsync call.");
        b.AppendLine();
        b.AppendLine("| Database | BatchSize | messages | msg/s | drain s | batch ms p50 | batch ms p95 | commands/msg | commits/msg | " +
                     "floor commits/s | floor ÷ commits/msg | sent / captured | seed s |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var d in drains)
        {
            b.AppendLine($"| {Report.Name(d.Db)} | {d.BatchSize} | {d.Messages} | {d.MessagesPerSecond:F0} | {d.Elapsed.TotalSeconds:F1} | " +
                         $"{BatchMs(d, 50):F1} | {BatchMs(d, 95):F1} | {(double)d.Commands / d.Messages:F2} | {d.CommitsPerMessage:F2} | " +
                         $"{d.FloorPerSecond:F0} | {d.FloorPerSecond / d.CommitsPerMessage:F0} | {d.Sent} / {d.Captured} | " +
                         $"{d.Seed.TotalSeconds:F0} |" + (d.Error is null ? "" : $" **{d.Error}**"));
        }

        b.AppendLine();
        foreach (var (db, settings) in drains.Select(d => (d.Db, d.Settings)).Distinct())
            b.AppendLine($"- {Report.Name(db)}: {settings}");
        return b.ToString();
    }

    private static double BatchMs(Drain d, double percentile) =>
        d.BatchTicks.Length == 0 ? double.NaN : Stopwatch.GetElapsedTime(0, Stats.Percentile(d.BatchTicks, percentile)).TotalMilliseconds;
}
