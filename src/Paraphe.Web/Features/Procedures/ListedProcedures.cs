using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Paraphe.Data;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// The list's page of procedures with their signers (issue 12, fourth round), on SQLite: the page's procedures in one plain query,
/// then their signers in one query by the page's ids, put into each procedure's collection through EF's own accessor of
/// the navigation — instead of EF's split include, which joins the page's subquery again for the signers and, measured
/// (`--scenario list-page`), builds its include delegates per execution.
/// <para>
/// The entities are EF's (the same materializer, the same converters and owned field), untracked, so the item mapping
/// and the diagnosis stay the ones `GET /procedures/{id}` runs. Tenant isolation: the procedures come through the
/// agency's query filter; signers have no agency of their own and are read only by the ids of that filtered page (as
/// the include would). Each procedure's signers come in key order (the include's order); the mapping orders them by
/// <see cref="Signer.Order"/>. Tests `ProcedureList` (each item byte for byte `GET /procedures/{id}`) and
/// `TenantIsolation` hold it.
/// </para>
/// </summary>
public static class ListedProcedures
{
    /// <summary>A compiled query belongs to one model (one database provider): one set per model in use.</summary>
    private static readonly ConditionalWeakTable<IModel, Queries> Compiled = [];

    private sealed class Queries
    {
        public readonly Func<ParapheDbContext, int, int, IAsyncEnumerable<Procedure>> Newest = EF.CompileAsyncQuery(
            (ParapheDbContext db, int skip, int take) => db.Procedures.AsNoTracking().IgnoreAutoIncludes()
                .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id).Skip(skip).Take(take));

        public readonly Func<ParapheDbContext, Task<int>> Count = EF.CompileAsyncQuery((ParapheDbContext db) => db.Procedures.Count());

        public readonly Func<ParapheDbContext, string[], IAsyncEnumerable<Signer>> SignersOf = EF.CompileAsyncQuery<ParapheDbContext, string[], Signer>(
            (ParapheDbContext db, string[] ids) => db.Signers.AsNoTracking().IgnoreAutoIncludes()
                .Where(s => ids.Contains(s.ProcedureId)).OrderBy(s => s.Id));

        public readonly Func<ParapheDbContext, string[], IAsyncEnumerable<Procedure>> ByIds = EF.CompileAsyncQuery<ParapheDbContext, string[], Procedure>(
            (ParapheDbContext db, string[] ids) => db.Procedures.AsNoTracking().IgnoreAutoIncludes().Where(p => ids.Contains(p.Id)));
    }

    /// <summary>A page of <paramref name="query"/> (filtered and ordered by <see cref="ListProcedures.Query"/>), untracked,
    /// each procedure with its signers and without their one-time codes. <paramref name="unfiltered"/>: the query has no
    /// filter (the common `GET /procedures`), read by compiled queries.</summary>
    public static async Task<Paged<Procedure>> PageAsync(ParapheDbContext db, IQueryable<Procedure> query, bool unfiltered,
        int? page, int? pageSize, CancellationToken ct)
    {
        // PostgreSQL reads the include as one query with a join, which measured no dearer in CPU than the two reads
        // apart (`--scenario list-page postgres`, « The list, fourth round »): it keeps it.
        if (db.IsPostgres)
            return await Paged<Procedure>.OfAsync(query.AsNoTracking().IgnoreAutoIncludes().Include(x => x.Signers), page, pageSize, x => x, ct);
        var queries = Compiled.GetValue(db.Model, _ => new Queries());
        var paged = unfiltered ? await NewestAsync(db, queries, page, pageSize, ct)
            : await Paged<Procedure>.OfAsync(query.AsNoTracking().IgnoreAutoIncludes(), page, pageSize, x => x, ct);
        if (paged.Items.Count > 0)
        {
            var byId = paged.Items.ToDictionary(x => x.Id, StringComparer.Ordinal);
            var signers = Accessor(db);
            await foreach (var signer in queries.SignersOf(db, [.. byId.Keys]).WithCancellation(ct))
                if (byId.TryGetValue(signer.ProcedureId, out var owner)) signers.Add(owner, signer, forMaterialization: true);
        }
        return paged;
    }

    /// <summary>
    /// The list's missed items (seventh round: a page whose items are kept reads no entity): these procedures of the
    /// agency, untracked, with their signers (two compiled queries, both databases); a procedure with a signer locked out
    /// of codes read whole (the diagnosis counts its codes). The signers are read only for ids the agency's filtered
    /// procedures gave, as in <see cref="PageAsync"/>.
    /// </summary>
    public static async Task<Dictionary<string, Procedure>> ByIdsAsync(ParapheDbContext db, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var queries = Compiled.GetValue(db.Model, _ => new Queries());
        var read = new Dictionary<string, Procedure>(ids.Count, StringComparer.Ordinal);
        string[] wanted = [.. ids];
        await foreach (var procedure in queries.ByIds(db, wanted).WithCancellation(ct)) read[procedure.Id] = procedure;
        var signers = Accessor(db);
        await foreach (var signer in queries.SignersOf(db, wanted).WithCancellation(ct))
            if (read.TryGetValue(signer.ProcedureId, out var owner)) signers.Add(owner, signer, forMaterialization: true);
        foreach (var whole in (await LockedWholeAsync(db, read.Values, ct)).Values) read[whole.Id] = whole;
        return read;
    }

    /// <summary>
    /// Those of <paramref name="procedures"/> (read without their signers' one-time codes) that have a signer locked out of
    /// codes, read again whole: the diagnosis says how many codes were sent and typed wrong. Usually none, and no query.
    /// </summary>
    public static async Task<Dictionary<string, Procedure>> LockedWholeAsync(ParapheDbContext db, IEnumerable<Procedure> procedures,
        CancellationToken ct)
    {
        var locked = procedures.Where(IsLocked).Select(x => x.Id).ToList();
        return locked.Count == 0 ? new(StringComparer.Ordinal)
            : await db.Procedures.AsNoTracking().Where(x => locked.Contains(x.Id)).ToDictionaryAsync(x => x.Id, StringComparer.Ordinal, ct);
    }

    /// <summary>A signer is locked out of signing codes: the item shows the codes' count, which no stamp covers.</summary>
    public static bool IsLocked(Procedure procedure) => procedure.Signers.Any(s => s.OtpLockedAt is not null);

    /// <summary>The unfiltered page, by compiled queries (the same window as <see cref="Paged{T}.OfAsync"/>).</summary>
    private static async Task<Paged<Procedure>> NewestAsync(ParapheDbContext db, Queries queries, int? page, int? pageSize, CancellationToken ct)
    {
        var (p, size) = Paging.Window(page, pageSize);
        var total = await queries.Count(db);
        var items = new List<Procedure>(size);
        await foreach (var procedure in queries.Newest(db, (p - 1) * size, size).WithCancellation(ct)) items.Add(procedure);
        return new Paged<Procedure>(items, p, size, total);
    }

    private static IClrCollectionAccessor Accessor(ParapheDbContext db) =>
        db.Model.FindEntityType(typeof(Procedure))!.FindNavigation(nameof(Procedure.Signers))!.GetCollectionAccessor()!;
}
