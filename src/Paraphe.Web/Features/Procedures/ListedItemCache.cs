using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Caching.Memory;
using Paraphe.Data.Records;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// The list's built items, as the UTF-8 JSON they were written as (issue 12, fifth round): a page whose procedures did
/// not change costs the page's procedure and signer rows, one statement of stamps (<see cref="ListedStamps"/>), the
/// sealing jobs, and the copy of the cached bytes. Nothing is trusted from memory alone: each request reads what an item
/// is built from, and an item is served again only if
/// <list type="bullet">
/// <item>its procedure, signers and sealing job read now hold the very values it was built from
/// (<see cref="ListedRows"/>: every mapped column, compared value by value);</item>
/// <item>its messages and events have the same stamp in the database (any writer, any instance);</item>
/// <item>the time is still within what its diagnosis said it holds for (<see cref="Domain.Diagnosis.DiagnosisClock"/>:
/// from when it was built until the next « il y a », « dans » or 24 h rule would read differently);</item>
/// <item>and the caller is of the same agency and culture (in the key).</item>
/// </list>
/// A procedure with a signer locked out of signing codes (whose codes the diagnosis counts, not in the rows compared)
/// is never kept. Memory is bounded: at most <see cref="SizeLimitBytes"/> of JSON, the least recently used dropped first.
/// </summary>
public sealed class ListedItemCache : IDisposable
{
    /// <summary>About 11,000 items of three signers (~5.7 KB each).</summary>
    public const long SizeLimitBytes = 64L * 1024 * 1024;

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = SizeLimitBytes, CompactionPercentage = 0.25 });

    private sealed record Key(string AgencyId, string Culture, string ProcedureId);

    private sealed record Entry(object?[] Rows, string Stamp, DateTime From, DateTime Until, byte[] Json);

    /// <summary>The item's JSON if it was built from these rows and this stamp, and still holds at <paramref name="now"/>.</summary>
    public byte[]? Find(string agencyId, string culture, string procedureId, object?[] rows, string stamp, DateTime now) =>
        cache.TryGetValue(new Key(agencyId, culture, procedureId), out Entry? e) && e is not null
        && e.From <= now && now < e.Until && e.Stamp == stamp && ListedRows.Same(e.Rows, rows)
            ? e.Json : null;

    public void Keep(string agencyId, string culture, string procedureId, object?[] rows, string stamp, DateTime now,
        DateTime until, byte[] json)
    {
        if (until <= now) return;
        cache.Set(new Key(agencyId, culture, procedureId), new Entry(rows, stamp, now, until, json),
            new MemoryCacheEntryOptions { Size = json.Length + rows.Length * 16L + stamp.Length * 2L });
    }

    public void Dispose() => cache.Dispose();
}

/// <summary>
/// The values an item is built from in a procedure, its signers and its sealing job, as EF read them: every mapped
/// property (owned parts included), so that a column added later is compared without anyone listing it.
/// </summary>
public static class ListedRows
{
    private static readonly ConditionalWeakTable<IModel, Readers> ByModel = [];
    private static readonly object Missing = new();
    private static readonly object Present = new();

    public static object?[] Of(IModel model, Procedure procedure, SealingJob? job)
    {
        var readers = ByModel.GetValue(model, m => new Readers(m));
        var values = new List<object?>(160);
        readers.Procedure.Add(values, procedure);
        values.Add(procedure.Signers.Count);
        foreach (var s in procedure.Signers.OrderBy(s => s.Id, StringComparer.Ordinal)) readers.Signer.Add(values, s);
        readers.Job.Add(values, job);
        return values.ToArray();
    }

    public static bool Same(object?[] a, object?[] b)
    {
        if (a.Length != b.Length) return false;
        for (var i = 0; i < a.Length; i++)
            if (!Equals(a[i], b[i]) && !(a[i] is byte[] x && b[i] is byte[] y && x.AsSpan().SequenceEqual(y)))
                return false;
        return true;
    }

    private sealed class Readers(IModel model)
    {
        public readonly Reader Procedure = Reader.For(model.FindEntityType(typeof(Procedure))!);
        public readonly Reader Signer = Reader.For(model.FindEntityType(typeof(Signer))!);
        public readonly Reader Job = Reader.For(model.FindEntityType(typeof(SealingJob))!);
    }

    private sealed class Reader(IClrPropertyGetter[] properties, (IClrPropertyGetter Navigation, Reader Target)[] owned)
    {
        public static Reader For(ITypeBase type) => new(
            type.GetProperties().Where(p => !p.IsShadowProperty()).Select(p => p.GetGetter()).ToArray(),
            type is IEntityType entity
                ? entity.GetNavigations().Where(n => !n.IsCollection && n.TargetEntityType.IsOwned())
                    .Select(n => (n.GetGetter(), For(n.TargetEntityType))).ToArray()
                : []);

        public void Add(List<object?> values, object? entity)
        {
            if (entity is null) { values.Add(Missing); return; }
            values.Add(Present);
            foreach (var p in properties) values.Add(p.GetClrValue(entity));
            foreach (var (navigation, target) in owned) target.Add(values, navigation.GetClrValue(entity));
        }
    }
}
