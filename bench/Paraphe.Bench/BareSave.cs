using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Paraphe.Data;

namespace Paraphe.Bench;

/// <summary>
/// « Bare EF » (issue 12, fourth round): the very entities one create + launch added (captured from a real one, as
/// <see cref="RowReplay"/> captures its statements), added again with fresh keys to a pooled context that has none of
/// the app's interceptors (only the bench's command counter) and saved in one <c>SaveChangesAsync</c>. No read, no
/// domain, no audit drain (the audit events arrive already chained), no use case: what EF's save of these 21 entities
/// costs. Between it and create + launch lie the interceptors and Paraphe's use case; between it and the raw rows, EF.
/// A measurement only. Includes rebuilding the 21 objects from their captured values (PropertyValues.ToObject).
/// </summary>
public sealed class BareSave
{
    private readonly RowReplay _captured;
    private readonly PooledDbContextFactory<ParapheDbContext> _pool;
    private readonly Paraphe.Data.ITenant _tenant;

    public BareSave(BenchApp app, RowReplay captured)
    {
        _captured = captured;
        (_pool, _tenant) = Pool(app);
    }

    /// <summary>A pool of contexts without the app's interceptors (only the command counter), and the agency's tenant.</summary>
    public static (PooledDbContextFactory<ParapheDbContext> Pool, Paraphe.Data.ITenant Tenant) Pool(BenchApp app)
    {
        var options = new DbContextOptionsBuilder<ParapheDbContext>();
        options.Use(app.Provider, app.ConnectionString).AddInterceptors(CommandCounter.Instance);
        return (new PooledDbContextFactory<ParapheDbContext>(options.Options), new Tenant(app.AgencyId));
    }

    public async Task SaveAsync()
    {
        await using var db = _pool.CreateDbContext();
        db.Lease(_tenant, TimeProvider.System);
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var row in Rebuild(_captured, new Dictionary<string, string>())) Attach(db, row);
        if (Interlocked.Increment(ref calls) > 200) // past the capture and the warm-up (the materializers' first compilation)
        {
            Interlocked.Add(ref rebuildBytes, GC.GetAllocatedBytesForCurrentThread() - before);
            Interlocked.Increment(ref rebuilds);
        }
        await db.SaveChangesAsync();
    }

    /// <summary>One captured entity rebuilt with fresh keys: its object and its shadow properties' values (by name).</summary>
    public sealed record Row(IEntityType Type, object Entity, IReadOnlyList<(string Name, object? Value)> Shadow);

    /// <summary>The captured entities as new objects, each key and unique value replaced through <paramref name="renamed"/>.</summary>
    public static List<Row> Rebuild(RowReplay captured, Dictionary<string, string> renamed)
    {
        var rows = new List<Row>(captured.Entities.Count);
        foreach (var (type, original) in captured.Entities)
        {
            var values = original.Clone();
            var shadow = new List<(string, object?)>();
            foreach (var p in type.GetProperties())
            {
                var v = values[p];
                if (p.IsKey() && p.ValueGenerated.HasFlag(ValueGenerated.OnAdd) && p.ClrType == typeof(long)) v = 0L;
                else if (p.IsKey() && p.ValueGenerated.HasFlag(ValueGenerated.OnAdd) && p.ClrType == typeof(int)) v = 0;
                else if (v is string s && captured.IsFresh(s)) v = RowReplay.Freshen(renamed, s);
                values[p] = v;
                if (p.IsShadowProperty()) shadow.Add((p.Name, v)); // by name: the bare pool has a model of its own
            }
            rows.Add(new Row(type, values.ToObject(), shadow));
        }
        return rows;
    }

    /// <summary>Adds <paramref name="row"/> to <paramref name="db"/>'s unit of work.</summary>
    public static void Attach(ParapheDbContext db, Row row)
    {
        var entry = db.Entry(row.Entity);
        foreach (var (p, v) in row.Shadow) entry.Property(p).CurrentValue = v;
        entry.State = EntityState.Added;
    }

    private static long rebuildBytes, rebuilds, calls;

    /// <summary>What rebuilding the entities (not EF's save) allocated per operation so far: part of the row's KB/op.</summary>
    public static double RebuildKbPerOperation => rebuilds == 0 ? 0 : rebuildBytes / 1024.0 / rebuilds;

    private sealed class Tenant(string agencyId) : Paraphe.Data.ITenant
    {
        public string? AgencyId => agencyId;
    }
}
