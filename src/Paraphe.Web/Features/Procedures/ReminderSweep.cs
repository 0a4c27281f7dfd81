using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Features.Procedures;

/// <summary>`Paraphe:Reminders`: how often the automatic reminders are looked for.</summary>
public sealed class ReminderSweepOptions
{
    public const string Section = "Paraphe:Reminders";
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
    public int BatchSize { get; set; } = 100;
}

/// <summary>
/// Sends the automatic reminders that are due. Everything it needs (each signer's last reminder and automatic count)
/// is in the database, so a restart or a missed tick only delays a reminder until the next pass, and a second
/// instance is held off by the procedure's Version like any concurrent writer. Never on a channel known bad: a signer
/// whose email bounced is reminded by SMS only, and one no channel reaches is skipped (and not counted).
/// </summary>
public sealed partial class ReminderSweep(IServiceScopeFactory scopes, TimeProvider clock, OutboxSignal outbox,
    IOptions<ReminderSweepOptions> options, ILogger<ReminderSweep> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        do
        {
            try { await SweepAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { LogSweepFailed(e); }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Returns how many signers were reminded.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        // Several instances: one pass at a time (the next finds the work done); the procedure's Version guards each save anyway.
        await using var pass = await DatabaseLock.AcquireAsync(db, DatabaseLock.Names.Reminders, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var reminded = 0;
        var after = "";
        while (true)
        {
            // Keyset paging: candidates not yet due stay behind `after` and never starve the ones that are.
            var batch = await db.Procedures.IgnoreQueryFilters()
                .Where(p => p.Status == ProcedureStatus.Ongoing && p.Mode == ProcedureMode.Remote && p.ExpiresAt > now
                            && string.Compare(p.Id, after) > 0
                            && p.Signers.Any(s => s.Status == SignerStatus.Pending && s.AutoRemindersSent < p.ReminderMax))
                .OrderBy(p => p.Id).Take(options.Value.BatchSize).ToListAsync(ct);
            if (batch.Count == 0) break;
            foreach (var procedure in batch)
            {
                after = procedure.Id;
                // Only the messages of the procedure's due signers decide the channels; none when nobody is due.
                if (!procedure.HasDueAutomaticReminders(now)) continue;
                var history = await db.Notifications.IgnoreQueryFilters().AsNoTracking()
                    .Where(n => n.ProcedureId == procedure.Id).ToListAsync(ct);
                var due = procedure.DueAutomaticReminders(now, history);
                if (due.Count == 0) continue;
                db.Notifications.AddRange(due);
                try
                {
                    await db.SaveChangesAsync(ct);
                    reminded += due.Select(n => n.SignerId).Distinct().Count();
                }
                catch (DbUpdateException)
                {
                    // Someone wrote this procedure meanwhile; nothing of ours was saved. The next pass judges it again.
                    LogConflict(procedure.Id);
                    break;
                }
            }
            db.ChangeTracker.Clear();
        }
        if (reminded > 0)
        {
            outbox.Notify();
            LogReminded(reminded);
        }
        return reminded;
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Automatic reminders sent to {Signers} signers")]
    private partial void LogReminded(int signers);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Automatic reminder for procedure {ProcedureId} lost a race; retried next pass")]
    private partial void LogConflict(string procedureId);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Reminder sweep failed")]
    private partial void LogSweepFailed(Exception e);
}
