using System.Diagnostics;
using Paraphe.Data.Records;
using Paraphe.Web.Platform.Observability;

namespace Paraphe.Web.Features.Completion;

/// <summary>Counts and times each sealing attempt (sealed, unchanged, failed) and traces it as a span `paraphe.seal`.</summary>
public sealed class MeteredSealJob(SealProcedure inner, ParapheMetrics metrics) : ISealJob
{
    public async Task<bool> HandleAsync(SealingJob job, CancellationToken ct)
    {
        using var span = ParapheMetrics.Activities.StartActivity("paraphe.seal");
        span?.SetTag("paraphe.procedure_id", job.ProcedureId);
        var started = Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            var sealedNow = await inner.HandleAsync(job, ct);
            outcome = sealedNow ? "sealed" : "unchanged";
            return sealedNow;
        }
        catch (Exception) when (span is not null)
        {
            span.SetStatus(ActivityStatusCode.Error);
            throw;
        }
        finally
        {
            metrics.SealAttempted(outcome, Stopwatch.GetElapsedTime(started));
        }
    }
}
