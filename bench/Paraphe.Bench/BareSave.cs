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
        var options = new DbContextOptionsBuilder<ParapheDbContext>();
        options.Use(app.Provider, app.ConnectionString).AddInterceptors(CommandCounter.Instance);
        _pool = new PooledDbContextFactory<ParapheDbContext>(options.Options);
        _tenant = new Tenant(app.AgencyId);
    }

    public async Task SaveAsync()
    {
        var renamed = new Dictionary<string, string>();
        await using var db = _pool.CreateDbContext();
        db.Lease(_tenant, TimeProvider.System);
        foreach (var (type, captured) in _captured.Entities)
        {
            var values = captured.Clone();
            var shadow = new List<(IProperty, object?)>();
            foreach (var p in type.GetProperties())
            {
                var v = values[p];
                if (p.IsKey() && p.ValueGenerated.HasFlag(ValueGenerated.OnAdd) && p.ClrType == typeof(long)) v = 0L;
                else if (p.IsKey() && p.ValueGenerated.HasFlag(ValueGenerated.OnAdd) && p.ClrType == typeof(int)) v = 0;
                else if (v is string s && _captured.IsFresh(s)) v = RowReplay.Freshen(renamed, s);
                values[p] = v;
                if (p.IsShadowProperty()) shadow.Add((p, v));
            }
            var entry = db.Entry(values.ToObject());
            foreach (var (p, v) in shadow) entry.Property(p).CurrentValue = v;
            entry.State = EntityState.Added;
        }
        await db.SaveChangesAsync();
    }

    private sealed class Tenant(string agencyId) : Paraphe.Data.ITenant
    {
        public string? AgencyId => agencyId;
    }
}
