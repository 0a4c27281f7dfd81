using Microsoft.EntityFrameworkCore;

namespace Paraphe.Web.Platform;

/// <summary>A page of a list: `?page=1&page_size=50` (100 at most).</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total)
{
    public static async Task<Paged<T>> OfAsync<TSource>(IQueryable<TSource> query, int? page, int? pageSize,
        Func<TSource, T> map, CancellationToken ct)
    {
        var (p, size) = Paging.Window(page, pageSize);
        var total = await query.CountAsync(ct);
        var items = await query.Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return new Paged<T>(items.Select(map).ToList(), p, size, total);
    }
}

/// <summary>The paging rule of every list: page 1 and 50 items by default, 100 at most.</summary>
public static class Paging
{
    public static (int Page, int Size) Window(int? page, int? pageSize) => (Math.Max(1, page ?? 1), Math.Clamp(pageSize ?? 50, 1, 100));
}
