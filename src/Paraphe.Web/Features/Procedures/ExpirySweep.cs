using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Procedures;

/// <summary>Marks ongoing procedures past their expiry as `expired` (the links already refuse them).</summary>
public sealed partial class ExpirySweep(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ExpirySweep> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try { await SweepAsync(stoppingToken); await WarnAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { LogSweepFailed(e); }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        // Several instances: one pass at a time (the next finds the work done); the procedure's Version guards each save anyway.
        await using var pass = await DatabaseLock.AcquireAsync(db, DatabaseLock.Names.Expiry, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.Procedures.IgnoreQueryFilters()
            .Where(p => p.Status == ProcedureStatus.Ongoing && p.ExpiresAt <= now).Take(200).ToListAsync(ct);
        var expired = due.Count(p => p.ExpireIfDue(now));
        if (expired == 0) return 0;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another sweep (a second instance) or a signer wrote one of these procedures first: its audit append or
            // version collided. Nothing was saved; the next tick re-finds whatever is still due.
            return 0;
        }
        return expired;
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Error, Message = "Expiry sweep failed")]
    private partial void LogSweepFailed(Exception e);
}
