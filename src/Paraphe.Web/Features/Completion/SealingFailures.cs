using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Domain;

namespace Paraphe.Web.Features.Completion;

/// <summary>
/// Records a failed sealing attempt on its job: the reason (French, for the agent), the next attempt after a backoff,
/// or — after `MaxAttempts` — the failed state, with `procedure.sealing_failed` in the audit trail, in one transaction;
/// an Error log line (event 9001) and the metrics for the operator.
/// </summary>
public sealed partial class SealingFailures(IServiceScopeFactory scopes, Platform.Observability.ParapheMetrics metrics,
    IOptions<SealingWorkerOptions> options, TimeProvider clock, ILogger<SealingFailures> log)
{
    public const int AttemptFailedEvent = 9000;
    public const int JobFailedEvent = 9001;

    public async Task RecordAsync(string procedureId, string reason, Exception error, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var job = await db.SealingJobs.FirstAsync(j => j.ProcedureId == procedureId, ct);
        if (job.DoneAt is not null || job.FailedAt is not null) return; // sealed meanwhile, or already given up
        var now = clock.GetUtcNow().UtcDateTime;
        metrics.SealingFailures.Add(1);
        LogAttemptFailed(error, procedureId, job.Attempts, reason);
        job.LastError = reason.Length > 500 ? reason[..500] : reason;
        job.Version++;
        var givenUp = job.Attempts >= Math.Max(1, options.Value.MaxAttempts);
        if (givenUp)
        {
            job.FailedAt = now;
            var procedure = await db.Procedures.IgnoreQueryFilters().FirstAsync(p => p.Id == procedureId, ct);
            if (procedure.AwaitsSeal) procedure.RecordSealingFailure(job.LastError, job.Attempts);
        }
        else
        {
            job.NextAttemptAt = now + SealingWorker.Backoff(job.Attempts);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return; // sealed or retried meanwhile: that outcome stands
        }
        if (givenUp)
        {
            metrics.SealingFailedJobs.Add(1);
            LogJobFailed(procedureId, job.Attempts, reason);
        }
    }

    /// <summary>Why an attempt failed, in French for the agent; the technical detail goes to the log.</summary>
    public static string Reason(Exception e) => e switch
    {
        DomainException d => d.Message,
        HttpRequestException or TaskCanceledException =>
            "L'autorité d'horodatage n'a pas répondu ; le scellement sera retenté.",
        InvalidOperationException when e.Message.Contains("timestamp", StringComparison.OrdinalIgnoreCase) =>
            "L'autorité d'horodatage a refusé la demande ; le scellement sera retenté.",
        _ => "Erreur technique pendant le scellement du document (le détail est dans le journal du serveur).",
    };

    public static string OverBudget(TimeSpan budget) =>
        $"Le scellement a dépassé le temps accordé ({Duration(budget)}) et a été interrompu.";

    private static string Duration(TimeSpan t) =>
        t.TotalMinutes >= 1 && t.Seconds == 0 ? $"{(int)t.TotalMinutes} min" : $"{(int)Math.Ceiling(t.TotalSeconds)} s";

    [LoggerMessage(EventId = AttemptFailedEvent, Level = LogLevel.Warning,
        Message = "Sealing procedure {ProcedureId} failed (attempt {Attempt}): {Reason}")]
    private partial void LogAttemptFailed(Exception e, string procedureId, int attempt, string reason);

    [LoggerMessage(EventId = JobFailedEvent, Level = LogLevel.Error,
        Message = "Sealing procedure {ProcedureId} failed {Attempts} times and is given up until an agent retries it: {Reason}")]
    private partial void LogJobFailed(string procedureId, int attempts, string reason);
}
