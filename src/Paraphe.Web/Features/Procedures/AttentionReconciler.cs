using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// Heals `procedures.NeedsAttention` where <see cref="AttentionTracker"/> could not keep it: the flag is written just
/// after the save that changed the procedure, so a crash between the two, a failed update or two saves racing on one
/// procedure can leave it stale — and procedures that existed before the column start at false. At start-up and then
/// every <see cref="Interval"/>, every procedure that can need the agent (ongoing, or completed and not sealed) is
/// computed again, in pages; finished procedures whose flag is still set are cleared.
/// </summary>
public sealed partial class AttentionReconciler(IServiceScopeFactory scopes, AttentionTracker tracker, TimeProvider clock,
    ILogger<AttentionReconciler> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private const int PageSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try { await ReconcileAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { LogReconcileFailed(e); }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Computes the flag again for every procedure that may need the agent or is marked so; returns how many were read.</summary>
    public async Task<int> ReconcileAsync(CancellationToken ct)
    {
        // Several instances: one pass at a time (the flag is computed from the rows, so a second pass only repeats it).
        await using var lockScope = scopes.CreateAsyncScope();
        await using var pass = await DatabaseLock.AcquireAsync(
            lockScope.ServiceProvider.GetRequiredService<ParapheDbContext>(), DatabaseLock.Names.Attention, ct);
        var read = 0;
        string? after = null;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
            var page = await db.Procedures.IgnoreQueryFilters().AsNoTracking()
                .Where(p => p.Status == ProcedureStatus.Ongoing || (p.Status == ProcedureStatus.Completed && p.SealedAt == null)
                            || EF.Property<bool>(p, Data.Configurations.ProcedureAttention.Column))
                .Where(p => after == null || string.Compare(p.Id, after) > 0)
                .OrderBy(p => p.Id).Select(p => p.Id).Take(PageSize).ToListAsync(ct);
            await tracker.RefreshAsync(db, page, ct);
            read += page.Count;
            if (page.Count < PageSize) return read;
            after = page[^1];
        }
    }

    [LoggerMessage(EventId = 3021, Level = LogLevel.Error, Message = "Reconciling « needs the agent » failed")]
    private partial void LogReconcileFailed(Exception e);
}
