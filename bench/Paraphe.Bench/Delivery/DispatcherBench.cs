using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Domain.Notifications;
using Paraphe.Testing;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Features.Notifications.Email;
using Paraphe.Web.Outbox;

namespace Paraphe.Bench.Delivery;

/// <summary>
/// How fast OutboxDispatcher drains a backlog to real providers: N queued invitations from real launched procedures
/// (3 signers each: an email and an SMS per signer), then <c>DispatchBatchAsync</c> in a loop, as the hosted service
/// runs it when woken, until nothing is due; emails over SMTP to a loopback SMTP server (the SmtpServer package,
/// <see cref="SmtpSink"/>), SMS to the Twilio simulator. A fresh database per (database, batch size). Beside each
/// drain, before and after it, the peer: nodemailer pooled sending as many emails to the same server.
/// </summary>
public static class DispatcherBench
{
    private sealed record Drain(DatabaseProvider Db, string Settings, int BatchSize, int Procedures, int Messages, TimeSpan Seed,
        TimeSpan Elapsed, int Batches, long[] BatchTicks, long Commands, long Commits, double FloorPerSecond, int Sent, int Received,
        double CpuMs, double AllocatedKb, int MessageBytes, NodemailerPeer.Result? PeerBefore, NodemailerPeer.Result? PeerAfter,
        string Load, string? Error, IReadOnlyList<DispatcherFloors.Row> Floors, int Emails, Cold? First, long JitDuring)
    {
        public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;
        public double CommitsPerMessage => (double)Commits / Messages;
        public double PeerPerSecond => new[] { PeerBefore, PeerAfter }.Where(p => p is not null).Select(p => p!.MessagesPerSecond).DefaultIfEmpty(double.NaN).Average();
    }

    /// <summary>The first backlog after the process started, drained before the measured one (not measured against the peer).</summary>
    private sealed record Cold(int Messages, TimeSpan Elapsed, double CpuMs)
    {
        public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;
    }

    /// <summary>At most this many warm-up backlogs; a pass during which the JIT compiled fewer than <see cref="QuietJit"/> methods is the last.</summary>
    private const int WarmupPasses = 4, QuietJit = 100;

    /// <summary>Emails sent at once by one instance (the SMTP pool's size) and the peer's pooled connections.</summary>
    private const int Concurrency = 4;

    private const int SignersPerProcedure = 3;
    private const int MessagesPerProcedure = 2 * SignersPerProcedure;

    public static async Task<(string Markdown, bool Ok)> RunAsync(BenchOptions options)
    {
        var drains = new List<Drain>();
        foreach (var provider in options.Databases)
        foreach (var batchSize in options.BatchSizes)
            drains.Add(await RunOneAsync(provider, batchSize, options.Messages, options.WarmupMessages));
        return (Markdown(drains), drains.All(d => d.Error is null && d.Sent == d.Messages && d.Received == d.Messages));
    }

    private static async Task<Drain> RunOneAsync(DatabaseProvider provider, int batchSize, int messages, int warmupMessages)
    {
        var ct = CancellationToken.None;
        Console.Error.WriteLine($"[dispatcher {provider} batch={batchSize}] preparing…");
        var sink = new SmtpSink();
        // Nagle off on accepted sockets, as the tests' server does (the SMTP benchmark shows it makes no difference
        // with PIPELINING off on the client).
        await using var smtp = LoopbackSmtpServer.Start(sink, new NoDelayListenerFactory());
        await using var twilio = await TwilioSimulator.StartAsync();
        await using var app = await BenchApp.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Paraphe:Outbox:BatchSize"] = batchSize.ToString(CultureInfo.InvariantCulture),
            ["Paraphe:Outbox:Concurrency"] = Concurrency.ToString(CultureInfo.InvariantCulture),
            ["Paraphe:Email:Provider"] = "smtp",
            ["Paraphe:Email:From"] = "signature@paraphe.example",
            ["Paraphe:Email:BounceAddress"] = "bounces@paraphe.example",
            ["Paraphe:Email:Smtp:Host"] = "127.0.0.1",
            ["Paraphe:Email:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Paraphe:Email:Smtp:Security"] = "none",
            ["Paraphe:Sms:Provider"] = "twilio",
            ["Paraphe:Sms:Twilio:AccountSid"] = TwilioSimulator.AccountSid,
            ["Paraphe:Sms:Twilio:AuthToken"] = TwilioSimulator.AuthToken,
            ["Paraphe:Sms:Twilio:From"] = "+33644630000",
            ["Paraphe:Sms:Twilio:BaseUrl"] = twilio.BaseUrl,
        });

        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        var launch = Scenarios.OneTransaction.Prepare(app);

        // The warm-up, as every other scenario has one: backlogs of warm-up messages seeded and drained whole, and not
        // compared, each followed by a wait until the JIT has stopped compiling (its tiers, in the background), until a
        // pass compiles almost nothing — the code a running instance runs. The first pass after start is printed apart.
        Cold? first = null;
        for (var pass = 0; warmupMessages > 0 && pass < WarmupPasses; pass++)
        {
            await SeedAsync(launch, (warmupMessages + MessagesPerProcedure - 1) / MessagesPerProcedure);
            await JitSettledAsync();
            var (cpu0, jit0) = (Process.GetCurrentProcess().TotalProcessorTime, System.Runtime.JitInfo.GetCompiledMethodCount());
            var warmWatch = Stopwatch.StartNew();
            var warmed = await DrainLanesAsync(dispatcher, null, ct);
            var during = System.Runtime.JitInfo.GetCompiledMethodCount() - jit0;
            first ??= new Cold(warmed, warmWatch.Elapsed, (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds);
            Console.Error.WriteLine($"[dispatcher {provider} batch={batchSize}] warm-up pass {pass + 1}: {warmed} messages in " +
                                    $"{warmWatch.Elapsed.TotalSeconds:F1} s, {warmed / warmWatch.Elapsed.TotalSeconds:F0} msg/s, " +
                                    $"{during} methods compiled meanwhile");
            if (during < QuietJit) break;
        }
        var (emailsBefore, bytesBefore, smsBefore) = (sink.Messages, sink.Bytes, twilio.Accepted.Count);
        var sentBefore = await CountAsync(app, n => n.Status == DeliveryStatus.Sent);

        // Seed: launched procedures, exactly as the API's create+launch writes them (2 clients, to be done sooner).
        var procedures = (messages + MessagesPerProcedure - 1) / MessagesPerProcedure;
        var seedWatch = Stopwatch.StartNew();
        await SeedAsync(launch, procedures);
        seedWatch.Stop();
        var queued = await CountAsync(app, n => n.Status == DeliveryStatus.Queued);
        if (warmupMessages > 0) await JitSettledAsync();
        var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        Console.Error.WriteLine($"[dispatcher {provider} batch={batchSize}] seeded {procedures} procedures, {queued} queued messages " +
                                $"in {seedWatch.Elapsed.TotalSeconds:F1} s; draining…");

        // Drain: one dispatcher, as the hosted service runs it while there is work (no poll wait between batches).
        var batchTicks = new List<long>();
        string? error = null;
        var commands = CommandCounter.Instance.Count;
        var commits = SaveCounter.Instance.Count;
        var sentRecords = CommandCounter.Instance.SentRecords;
        CommandCounter.Instance.Histogram(); // forget the seeding's statements
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var watch = Stopwatch.StartNew();
        try
        {
            await DrainLanesAsync(dispatcher, batchTicks, ct);
        }
        catch (Exception e)
        {
            error = $"{e.GetType().Name}: {e.Message}";
        }
        watch.Stop();
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        var jitDuring = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;
        var allocatedKb = (GC.GetTotalAllocatedBytes(precise: false) - allocated) / 1024.0;
        var emails = (int)(sink.Messages - emailsBefore);
        var sms = twilio.Accepted.Count - smsBefore;
        var received = emails + sms;
        var bytes = emails == 0 ? 1800 : (int)((sink.Bytes - bytesBefore) / emails);
        commands = CommandCounter.Instance.Count - commands;
        foreach (var (text, count) in CommandCounter.Instance.Histogram())
            Console.Error.WriteLine($"  {count,7}  {text}");
        // Commits: the saves that wrote rows, the claims, and the set-based records of accepted batches.
        commits = SaveCounter.Instance.Count - commits + batchTicks.Count + (CommandCounter.Instance.SentRecords - sentRecords);

        // The durable-commit floor on the same database, right after the drain (same machine state, same disk).
        var floor = await LoadRunner.RunRoundAsync(Scenarios.Floor.Prepare(app), 1, TimeSpan.FromSeconds(3));

        var sent = await CountAsync(app, n => n.Status == DeliveryStatus.Sent) - sentBefore;

        // The peer, right after the drain and once more after that (back to back): as many emails as the drain's
        // messages, of the size Paraphe's invitations had on the wire, to the same server, as many connections.
        NodemailerPeer.Result? before = null, after = null;
        var floors = new List<DispatcherFloors.Row>();
        try
        {
            Console.Error.WriteLine($"[dispatcher {provider} batch={batchSize}] nodemailer pooled, {queued} messages of {bytes} bytes…");
            floors.Add(await DispatcherFloors.MeasureAsync("nodemailer, 4 pooled connections (emails; bench CPU = the SMTP server)", queued,
                async () => before = await NodemailerPeer.RunAsync(smtp.Port, queued, bytes, Concurrency)));
            floors[^1] = floors[^1] with { PeerCpuMsPerMessage = before!.CpuMsPerMessage };
            floors.Add(await DispatcherFloors.MeasureAsync("nodemailer, again", queued,
                async () => after = await NodemailerPeer.RunAsync(smtp.Port, queued, bytes, Concurrency)));
            floors[^1] = floors[^1] with { PeerCpuMsPerMessage = after!.CpuMsPerMessage };

            // The floors: the same messages without database or outbox (bench/README.md).
            Console.Error.WriteLine($"[dispatcher {provider} batch={batchSize}] floors: {emails} emails, {sms} SMS…");
            var samples = DispatcherFloors.From(sink, twilio);
            NodemailerPeer.Result? node = null;
            floors.Add(await DispatcherFloors.MeasureAsync("SMS from Node's fetch, 4 in flight (bench CPU = the Twilio simulator)", sms,
                async () => node = await NodemailerPeer.RunSmsAsync($"{twilio.BaseUrl}/2010-04-01/Accounts/{TwilioSimulator.AccountSid}/Messages.json",
                    DispatcherFloors.Authorization(), samples.SmsTo, samples.SmsFrom, samples.SmsBody, sms, Concurrency)));
            floors[^1] = floors[^1] with { PeerCpuMsPerMessage = node!.CpuMsPerMessage };
            floors.Add(await DispatcherFloors.MeasureAsync($"floor (a): MailKit alone, {Concurrency} connections, PIPELINING off (emails)", emails,
                await DispatcherFloors.MailKitAsync(smtp.Port, emails, samples, Concurrency, pipelining: false)));
            floors.Add(await DispatcherFloors.MeasureAsync($"floor (a'): MailKit alone, {Concurrency} connections, PIPELINING on (emails)", emails,
                await DispatcherFloors.MailKitAsync(smtp.Port, emails, samples, Concurrency, pipelining: true)));
            floors.Add(await DispatcherFloors.MeasureAsync($"floor (b): SMS alone, HttpClient, {Concurrency} in flight", sms,
                DispatcherFloors.Sms(twilio.BaseUrl, sms, samples, Concurrency)));
            var mailkit = await DispatcherFloors.MailKitAsync(smtp.Port, emails, samples, Concurrency, pipelining: false);
            var http = DispatcherFloors.Sms(twilio.BaseUrl, sms, samples, Concurrency);
            floors.Add(await DispatcherFloors.MeasureAsync("floor (a)+(b) side by side: the drain's mix, no database", emails + sms,
                () => Task.WhenAll(mailkit(), http())));
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or JsonException)
        {
            error ??= $"peer: {e.Message}";
        }
        var drain = new Drain(provider, app.Settings, batchSize, procedures, queued, seedWatch.Elapsed, watch.Elapsed, batchTicks.Count,
            batchTicks.Order().ToArray(), commands, commits, floor.OpsPerSecond, sent, received, cpuMs, allocatedKb, bytes, before, after,
            File.ReadAllText("/proc/loadavg").Trim(), error, floors, emails, first, jitDuring);
        Console.Error.WriteLine($"[dispatcher {provider} batch={batchSize}] {drain.Messages} messages in {drain.Elapsed.TotalSeconds:F1} s: " +
                                $"{drain.MessagesPerSecond:F0} msg/s, {drain.CommitsPerMessage:F2} commits/msg, {cpuMs / drain.Messages:F2} CPU ms/msg, " +
                                $"floor {floor.OpsPerSecond:F0}/s; sent {sent}, received {received}; nodemailer {before?.MessagesPerSecond:F0} / " +
                                $"{after?.MessagesPerSecond:F0} msg/s{(error is null ? "" : $"; {error}")}");
        return drain;
    }

    private static async Task SeedAsync(Func<Task> launch, int procedures)
    {
        var left = procedures;
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref left) >= 0) await launch();
        })));
    }

    /// <summary>
    /// Each lane on its own, as the hosted service runs them (WakeUpSignal.RunAsync: a lane takes its next batch at once
    /// while it finds work, never waiting for the other lane's batch), until nothing is due; each batch's time into
    /// <paramref name="batchTicks"/> when given (each claim that took messages is one commit of its own). Returns the
    /// messages claimed.
    /// </summary>
    private static async Task<int> DrainLanesAsync(OutboxDispatcher dispatcher, List<long>? batchTicks, CancellationToken ct)
    {
        var claimed = 0;
        await Task.WhenAll(OutboxDispatcher.Channels.Select(c => Task.Run(async () =>
        {
            while (true)
            {
                var t0 = Stopwatch.GetTimestamp();
                var taken = await dispatcher.DispatchBatchAsync(c, ct);
                if (taken == 0) break;
                var ticks = Stopwatch.GetTimestamp() - t0;
                Interlocked.Add(ref claimed, taken);
                if (batchTicks is not null) lock (batchTicks) batchTicks.Add(ticks);
            }
        })));
        return claimed;
    }

    /// <summary>Waits until the JIT compiled nothing for a second (at most 90 s): its background tiers are done.</summary>
    private static async Task JitSettledAsync()
    {
        var watch = Stopwatch.StartNew();
        var last = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now == last) return;
            last = now;
        }
    }

    private static async Task<int> CountAsync(BenchApp app, System.Linq.Expressions.Expression<Func<Notification, bool>> where)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ParapheDbContext>().Notifications.IgnoreQueryFilters().CountAsync(where);
    }

    private static string Markdown(IReadOnlyList<Drain> drains)
    {
        var b = new StringBuilder();
        b.AppendLine("OutboxDispatcher.DispatchBatchAsync(channel) in a loop per lane until nothing is due (the lanes side by side, each on its own, as the hosted service runs them; batch ms = one lane's batch); emails over SMTP (SmtpSender, a pool of " +
                     $"{Concurrency} MailKit connections, PIPELINING off) to a loopback SMTP server (SmtpServer package, answers 250, " +
                     "discards), SMS to the Twilio simulator (HTTP, Twilio's Messages API); " +
                     $"`Paraphe:Outbox:Concurrency` {Concurrency} per channel. The backlog is {SignersPerProcedure}-signer procedures created " +
                     "and launched as the API does (an email and an SMS invitation per signer). One run per row, on a fresh database; " +
                     "commands = SQL commands sent (BEGIN/COMMIT not counted); commits = SaveChangesAsync calls that wrote rows (each " +
                     "one durable commit), the dispatcher's set-based records of accepted batches and the lanes' claims that took messages (one statement, or one transaction, each); CPU ms/msg = the bench process's CPU time over the drain ÷ messages (the SMTP server and " +
                     "the Twilio simulator run in the same process and are included); floor = one-row insert transactions per " +
                     "second on the same database right after the drain (3 s). Peer: nodemailer (npm, bench/peers/nodemailer) " +
                     $"pooled transport, maxConnections {Concurrency}, sending as many emails of the same size to the same server, " +
                     "run twice right after the drain; ratio = Paraphe msg/s ÷ the peer's mean msg/s (aim ≥ 1.5). Before the measured " +
                     "drain, a warm-up backlog (`--warmup-messages`) is drained in the same process, as the other scenarios warm up; " +
                     "its own figures are printed under the floors.");
        b.AppendLine();
        b.AppendLine("| Database | BatchSize | messages | msg/s | drain s | batch ms p50 | batch ms p95 | commands/msg | commits/msg | " +
                     "CPU ms/msg | alloc KB/msg | floor commits/s | sent / received | nodemailer msg/s (2 runs) | **× nodemailer** | load average after |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var d in drains)
        {
            b.AppendLine($"| {Report.Name(d.Db)} | {d.BatchSize} | {d.Messages} | {d.MessagesPerSecond:F0} | {d.Elapsed.TotalSeconds:F1} | " +
                         $"{BatchMs(d, 50):F1} | {BatchMs(d, 95):F1} | {(double)d.Commands / d.Messages:F2} | {d.CommitsPerMessage:F3} | " +
                         $"{d.CpuMs / d.Messages:F2} | {d.AllocatedKb / d.Messages:F0} | {d.FloorPerSecond:F0} | {d.Sent} / {d.Received} | " +
                         $"{d.PeerBefore?.MessagesPerSecond:F0}, {d.PeerAfter?.MessagesPerSecond:F0} | **{d.MessagesPerSecond / d.PeerPerSecond:F2}** | {d.Load} |" +
                         (d.Error is null ? "" : $" **{d.Error}**"));
        }

        foreach (var d in drains.Where(d => d.Floors.Count > 0))
        {
            b.AppendLine();
            b.AppendLine($"Floors, {Report.Name(d.Db)} (same run, same servers, right after the drain; bench CPU = this process: client and in-process server):");
            b.AppendLine();
            b.AppendLine("| what | messages | msg/s | bench CPU ms/msg | peer process CPU ms/msg | × nodemailer |");
            b.AppendLine("|---|---:|---:|---:|---:|---:|");
            b.AppendLine($"| **Paraphe's drain** (emails + SMS, database, outbox) | {d.Messages} | {d.MessagesPerSecond:F0} | {d.CpuMs / d.Messages:F2} | | **{d.MessagesPerSecond / d.PeerPerSecond:F2}** |");
            if (d.First is { } cold)
                b.AppendLine($"| Paraphe's first backlog after start (the warm-up: the JIT's tiers compile the path meanwhile) | {cold.Messages} | " +
                             $"{cold.MessagesPerSecond:F0} | {cold.CpuMs / cold.Messages:F2} | | {cold.MessagesPerSecond / d.PeerPerSecond:F2} |");
            b.AppendLine();
            b.AppendLine($"- Methods the JIT compiled during the measured drain: {d.JitDuring}" +
                         (d.First is null ? " (no warm-up)." : " (after the warm-up)."));
            foreach (var f in d.Floors)
                b.AppendLine($"| {f.Name} | {f.Messages} | {f.MessagesPerSecond:F0} | {f.BenchCpuPerMessage:F2} | {f.PeerCpuMsPerMessage:F2} | {f.MessagesPerSecond / d.PeerPerSecond:F2} |");
            var smtpServer = d.Floors.Where(f => f.Name.StartsWith("nodemailer", StringComparison.Ordinal)).Average(f => f.BenchCpuPerMessage);
            var simulator = d.Floors.FirstOrDefault(f => f.Name.StartsWith("SMS from Node", StringComparison.Ordinal))?.BenchCpuPerMessage ?? double.NaN;
            var both = d.Floors.FirstOrDefault(f => f.Name.StartsWith("floor (a)+(b)", StringComparison.Ordinal));
            b.AppendLine();
            // The servers' CPU is taken while Node sends: the bench process's own background work in those runs counts
            // too, so it is an upper bound — it can exceed floor (a)+(b), clients and servers together. Not subtracted.
            b.AppendLine($"- The servers, measured while Node sends (an upper bound: the bench process's background work counts too): " +
                         $"the SMTP server ≤ {smtpServer:F2} ms of CPU per email, the Twilio simulator ≤ {simulator:F2} ms per SMS. " +
                         (both is null ? "" : $"Clients and servers with no database (floor (a)+(b)): {both.BenchCpuPerMessage:F2} ms/msg; " +
                                              $"the drain: {d.CpuMs / d.Messages:F2} ms/msg, so the database and the outbox: " +
                                              $"**{d.CpuMs / d.Messages - both.BenchCpuPerMessage:F2} ms/msg**."));
        }

        b.AppendLine();
        var peer = drains.Select(d => d.PeerBefore ?? d.PeerAfter).FirstOrDefault(p => p is not null);
        if (peer is not null)
            b.AppendLine($"- nodemailer {peer.Version}, {peer.Connections} pooled connections, {drains[0].MessageBytes} bytes per message " +
                         $"(Paraphe's invitation on the wire); its CPU ms/msg {string.Join(", ", drains.Select(d => $"{d.PeerBefore?.CpuMsPerMessage:F2}"))}");
        foreach (var (db, settings) in drains.Select(d => (d.Db, d.Settings)).Distinct())
            b.AppendLine($"- {Report.Name(db)}: {settings}");
        return b.ToString();
    }

    private static double BatchMs(Drain d, double percentile) =>
        d.BatchTicks.Length == 0 ? double.NaN : Stopwatch.GetElapsedTime(0, Stats.Percentile(d.BatchTicks, percentile)).TotalMilliseconds;
}
