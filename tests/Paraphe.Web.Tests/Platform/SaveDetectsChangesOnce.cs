using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Platform;

/// <summary>
/// A save detects changes once when it starts and once before it writes (<see cref="DetectBeforeWrite"/>, issue 12),
/// not at every look of its pipeline. Nothing may be lost by it: a change made before the save and a change made
/// during it (after the first pass, as a save interceptor makes one) are both written, and the context leaves the
/// save with EF's automatic detection on again.
/// </summary>
public abstract class SaveDetectsChangesOnce(ParapheApp app)
{
    [Fact]
    public async Task ChangesMadeBeforeAndDuringTheSaveAreWritten()
    {
        var key = "detect-" + Guid.NewGuid();
        var ends = new DateTime(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);
        await app.DbAsync(async db =>
        {
            db.RateLimitCounters.Add(new RateLimitCounter { Key = key, Count = 1, WindowEnds = ends });
            await db.SaveChangesAsync();
        });

        var later = ends.AddMinutes(5);
        await app.DbAsync(async db =>
        {
            Assert.True(DetectBeforeWrite.IsLastIn(db), "the app's options do not end their save interceptors with DetectBeforeWrite");
            var row = await db.RateLimitCounters.SingleAsync(c => c.Key == key);
            row.Count = 2; // before the save: found by its first pass
            var added = new RateLimitCounter { Key = key + "-b", Count = 7, WindowEnds = ends };
            EventHandler<SavingChangesEventArgs> during = (_, _) =>
            {
                Assert.True(db.DetectingOnce);
                row.WindowEnds = later; // during the save, after its first pass: found by the pass before the write
                db.RateLimitCounters.Add(added);
            };
            db.SavingChanges += during;
            try { await db.SaveChangesAsync(); }
            finally { db.SavingChanges -= during; }
            Assert.True(db.ChangeTracker.AutoDetectChangesEnabled);
            Assert.False(db.DetectingOnce);
        });

        var stored = await app.DbAsync(db => db.RateLimitCounters.AsNoTracking().Where(c => c.Key.StartsWith(key))
            .OrderBy(c => c.Key).ToListAsync());
        Assert.Equal(2, stored.Count);
        Assert.Equal((2, later), (stored[0].Count, stored[0].WindowEnds));
        Assert.Equal(7, stored[1].Count);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SaveDetectsChangesOnceOnSqlite(SqliteApp app) : SaveDetectsChangesOnce(app);

[Collection(PostgresCollection.Name)]
public sealed class SaveDetectsChangesOnceOnPostgres(PostgresApp app) : SaveDetectsChangesOnce(app);
