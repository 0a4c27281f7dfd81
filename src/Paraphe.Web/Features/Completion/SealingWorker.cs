using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Data.Records;
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

    /// <summary>A taken job is given back after this long if its worker died.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Wakes the sealing worker when a transaction has completed a procedure.</summary>
public sealed class SealingSignal : WakeUpSignal;

/// <summary>
/// Seals completed procedures from their jobs (written with the completion). A job is taken with a lease before the
/// work starts, so a crash mid-seal leaves it to be taken again when the lease ends; a failure (timestamp authority
/// down…) is retried with backoff and stays visible in `sealing_jobs.LastError`.
/// </summary>
public sealed partial class SealingWorker(IServiceScopeFactory scopes, SealingSignal signal, OutboxSignal outbox,
    IOptions<SealingWorkerOptions> options, TimeProvider clock, ILogger<SealingWorker> log) : BackgroundService
{
    private const int BatchSize = 5;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Enabled
            ? signal.RunAsync(SealDueAsync, options.Value.PollInterval, LogPassFailed, stoppingToken)
            : Task.CompletedTask;

    /// <summary>One pass over the due jobs; returns how many procedures it sealed.</summary>
    public async Task<int> SealDueAsync(CancellationToken ct)
    {
        List<string> taken;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
            var now = clock.GetUtcNow().UtcDateTime;
            var due = await db.SealingJobs.Where(j => j.DoneAt == null && j.NextAttemptAt <= now)
                .OrderBy(j => j.NextAttemptAt).Take(BatchSize).ToListAsync(ct);
            if (due.Count == 0) return 0;
            foreach (var job in due)
            {
                job.Attempts++;
                job.NextAttemptAt = now + options.Value.Lease;
                job.Version++;
            }
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateConcurrencyException) { return 0; } // another worker took them
            taken = due.Select(j => j.ProcedureId).ToList();
        }

        var sealedCount = 0;
        foreach (var procedureId in taken)
            if (await SealOneAsync(procedureId, ct)) sealedCount++;
        if (sealedCount > 0) outbox.Notify(); // the completion emails
        return sealedCount;
    }

    private async Task<bool> SealOneAsync(string procedureId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var job = await db.SealingJobs.FirstAsync(j => j.ProcedureId == procedureId, ct);
        try
        {
            var done = await scope.ServiceProvider.GetRequiredService<SealProcedure>().HandleAsync(job, ct);
            if (done) LogSealed(procedureId, job.Attempts);
            return done;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false; // another worker sealed it first; its job is closed with it
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogSealFailed(e, procedureId, job.Attempts);
            await using var retryScope = scopes.CreateAsyncScope();
            var retryDb = retryScope.ServiceProvider.GetRequiredService<ParapheDbContext>();
            var fresh = await retryDb.SealingJobs.FirstAsync(j => j.ProcedureId == procedureId, ct);
            if (fresh.DoneAt is not null) return false;
            fresh.LastError = e.Message.Length > 500 ? e.Message[..500] : e.Message;
            fresh.NextAttemptAt = clock.GetUtcNow().UtcDateTime + Backoff(fresh.Attempts);
            fresh.Version++;
            try { await retryDb.SaveChangesAsync(ct); }
            catch (DbUpdateConcurrencyException) { }
            return false;
        }
    }

    /// <summary>30 s, 1 min, 2 min… up to an hour: a seal must be made in the end, so there is no last attempt.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Max(0, attempts - 1))));

    [LoggerMessage(Level = LogLevel.Information, Message = "Procedure {ProcedureId} sealed (attempt {Attempt})")]
    private partial void LogSealed(string procedureId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sealing procedure {ProcedureId} failed (attempt {Attempt}); retried later")]
    private partial void LogSealFailed(Exception e, string procedureId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "A sealing pass failed")]
    private partial void LogPassFailed(Exception e);
}
