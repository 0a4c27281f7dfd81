using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Web.Outbox;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Completion;

/// <summary>`Paraphe:Sealing:Worker`.</summary>
public sealed class SealingWorkerOptions
{
    public const string Section = "Paraphe:Sealing:Worker";

    /// <summary>Off only in tests that drive <see cref="SealingWorker.SealDueAsync"/> themselves.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often jobs left by a crash or a failure are looked for (a completion wakes the worker at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A taken job is given back after this long if its worker died (longer than <see cref="JobTimeout"/>).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Time budget of one attempt: past it, the attempt counts as failed and the worker moves on.</summary>
    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Jobs sealed at the same time: a slow job holds one slot, never the others.</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>Failed attempts after which a job ends in the failed state (« Scellement en échec ») until an agent retries.</summary>
    public int MaxAttempts { get; set; } = 5;
}

/// <summary>Wakes the sealing worker when a transaction has completed a procedure.</summary>
public sealed class SealingSignal : WakeUpSignal;

/// <summary>
/// Seals completed procedures from their jobs (written with the completion), <see cref="SealingWorkerOptions.Concurrency"/>
/// at a time. A job is taken with a lease before the work starts, so a crash mid-seal leaves it to be taken again when
/// the lease ends. Each attempt has a time budget: PDF work is CPU-bound and cannot be cancelled mid-way, so it runs on
/// its own task and the worker stops waiting for it at the budget (its late result is discarded: the job's version has
/// moved), and its job is not started again while it still runs (those attempts fail at once). A failure is retried with backoff; after <see cref="SealingWorkerOptions.MaxAttempts"/> the job is failed
/// (<see cref="SealingFailures"/>): visible to the agent, logged and counted for the operator.
/// </summary>
public sealed partial class SealingWorker(IServiceScopeFactory scopes, SealingSignal signal, OutboxSignal outbox,
    SealingFailures failures, IOptions<SealingWorkerOptions> options, TimeProvider clock, ILogger<SealingWorker> log)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Enabled
            ? signal.RunAsync(SealDueAsync, options.Value.PollInterval, LogPassFailed, stoppingToken)
            : Task.CompletedTask;

    /// <summary>
    /// One pass: fills the free slots with due jobs, one at a time, until none is due and none is running; returns how
    /// many procedures it sealed.
    /// </summary>
    public async Task<int> SealDueAsync(CancellationToken ct)
    {
        var slots = Math.Max(1, options.Value.Concurrency);
        var running = new List<Task<bool>>();
        var sealedCount = 0;
        var more = true;
        while (true)
        {
            while (more && running.Count < slots)
            {
                if (await TakeNextAsync(ct) is not { } procedureId) more = false;
                else if (overBudget.ContainsKey(procedureId)) await StillRunningAsync(procedureId);
                else running.Add(SealWithinBudgetAsync(procedureId, ct));
            }
            if (running.Count == 0) break;
            // A slot is free: a completion made meanwhile (the signal) or a poll interval sends us looking again,
            // so a new job never waits for a slow one to end.
            using var stopListening = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var wake = running.Count < slots ? signal.WaitAsync(options.Value.PollInterval, stopListening.Token) : null;
            var waiting = new List<Task>(running);
            if (wake is not null) waiting.Add(wake);
            var finished = await Task.WhenAny(waiting);
            more = true; // look again (a job may have become due meanwhile)
            if (finished == wake) continue;
            await stopListening.CancelAsync(); // leave the signal to the next wait
            var job = (Task<bool>)finished;
            running.Remove(job);
            if (await job)
            {
                sealedCount++;
                outbox.Notify(); // its completion emails
            }
        }
        return sealedCount;
    }

    /// <summary>
    /// Attempts past their budget whose work has not ended yet (it cannot be interrupted). Their job is never started
    /// again beside them: each CPU-bound runaway would otherwise take one more core at every retry.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> overBudget = new();

    /// <summary>The job's last attempt still runs past its budget: this attempt fails at once, without a second run.</summary>
    private Task StillRunningAsync(string procedureId) =>
        failures.RecordAsync(procedureId, SealingFailures.OverBudget(options.Value.JobTimeout), new TimeoutException(
            $"Sealing {procedureId}: the previous attempt, past its budget, is still running"), CancellationToken.None);

    /// <summary>
    /// Leases the oldest due job; null when none is due (or, on SQLite, another worker took it first). On PostgreSQL
    /// the job's row is locked with `FOR UPDATE SKIP LOCKED` while it is leased, so another instance taking a job at
    /// the same moment skips it and takes the next one; on SQLite (one writer) the job's Version makes the lease a
    /// conditional update that only one worker wins. Either way a job is sealed by one worker at a time.
    /// </summary>
    private async Task<string?> TakeNextAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = db.IsPostgres ? await db.Database.BeginTransactionAsync(ct) : null;
        var job = tx is null
            ? await db.SealingJobs.Where(j => j.DoneAt == null && j.FailedAt == null && j.NextAttemptAt <= now)
                .OrderBy(j => j.NextAttemptAt).FirstOrDefaultAsync(ct)
            : (await db.SealingJobs.FromSql($"""
                SELECT * FROM sealing_jobs
                WHERE "DoneAt" IS NULL AND "FailedAt" IS NULL AND "NextAttemptAt" <= {now}
                ORDER BY "NextAttemptAt" LIMIT 1
                FOR UPDATE SKIP LOCKED
                """).IgnoreQueryFilters().ToListAsync(ct)).FirstOrDefault();
        if (job is null) return null;
        job.Attempts++;
        job.NextAttemptAt = now + options.Value.Lease;
        job.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
            if (tx is not null) await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException) { return null; } // another worker took it; the next pass looks again
        return job.ProcedureId;
    }

    private async Task<bool> SealWithinBudgetAsync(string procedureId, CancellationToken ct)
    {
        var budget = options.Value.JobTimeout;
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // The budget starts before the work, on the injected clock.
        var deadline = Task.Delay(budget, clock, stopWaiting.Token);
        var work = Task.Run(() => SealOneAsync(procedureId, abandon.Token), CancellationToken.None);
        if (await Task.WhenAny(work, deadline) != work)
        {
            ct.ThrowIfCancellationRequested();
            await abandon.CancelAsync(); // what can still stop (a timestamp request, the final save) stops
            overBudget[procedureId] = true;
            // Observed: its late failure is not news. Until it ends, the job is not started again (StillRunningAsync).
            _ = work.ContinueWith(t => { overBudget.TryRemove(procedureId, out _); return t.Exception; }, TaskScheduler.Default);
            await failures.RecordAsync(procedureId, SealingFailures.OverBudget(budget), new TimeoutException(
                $"Sealing {procedureId} took longer than its budget of {budget}"), CancellationToken.None);
            return false;
        }
        await stopWaiting.CancelAsync();
        try
        {
            var done = await work;
            if (done) LogSealed(procedureId);
            return done;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false; // another worker sealed it first; its job is closed with it
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await failures.RecordAsync(procedureId, SealingFailures.Reason(e), e, CancellationToken.None);
            return false;
        }
    }

    private async Task<bool> SealOneAsync(string procedureId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var job = await db.SealingJobs.FirstAsync(j => j.ProcedureId == procedureId, ct);
        return await scope.ServiceProvider.GetRequiredService<ISealJob>().HandleAsync(job, ct);
    }

    /// <summary>30 s, 1 min, 2 min… up to an hour, until <see cref="SealingWorkerOptions.MaxAttempts"/>.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Max(0, attempts - 1))));

    [LoggerMessage(EventId = 9010, Level = LogLevel.Information, Message = "Procedure {ProcedureId} sealed")]
    private partial void LogSealed(string procedureId);

    [LoggerMessage(EventId = 9011, Level = LogLevel.Error, Message = "A sealing pass failed")]
    private partial void LogPassFailed(Exception e);
}
