using Microsoft.Extensions.Caching.Memory;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// The list's whole pages, as the response bytes they were written as (issue 12, eighth round): a page whose every item
/// is unchanged costs the stamps' statement (<see cref="ListedStamps"/>) and one copy of bytes, with no lookup per item
/// and no JSON framing. Kept under the request (<see cref="Key"/>: agency, culture, filters, page and size) and served
/// again only if, read from the database on this request,
/// <list type="bullet">
/// <item>the page has the same items in the same order, each with the same stamp (no signer locked out of codes) and the
/// same total (the count the body carries);</item>
/// <item>and the time is still within the window every item's diagnosis holds for: from when the page was written until
/// the earliest « holds until » of its items (<see cref="Domain.Diagnosis.DiagnosisClock"/>).</item>
/// </list>
/// These are exactly the conditions under which <see cref="ListedItemCache"/> would serve each item's bytes again, and the
/// body is only those items' bytes with the page, size and total around them (<see cref="ListedPage"/>): the kept body
/// is byte for byte the one the items would give. A page with an item not kept as an item (a signer locked out of codes,
/// a procedure gone between the stamps and the read, no agency) is not kept whole either. Memory is bounded: at most
/// <see cref="SizeLimitBytes"/>, the least recently used dropped first.
/// </summary>
public sealed class ListedPageCache : IDisposable
{
    /// <summary>About 90 pages of 50 items of three signers (~285 KB each, and their gzip copy): a page's bytes repeat its items' (kept apart
    /// by <see cref="ListedItemCache"/>), so a page dropped here is rebuilt from kept items at the cost of the framing.</summary>
    public const long SizeLimitBytes = 32L * 1024 * 1024;

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = SizeLimitBytes, CompactionPercentage = 0.25 });

    /// <summary>One request's page: the caller's agency and culture, the filters as given, the page and its size.</summary>
    public sealed record Key(string AgencyId, string Culture, string? Status, string? Q, bool? NeedsAttention, int Page, int PageSize);

    private sealed record Entry(ListedStamp[] Stamps, int Total, DateTime From, DateTime Until, ListedBody Body);

    /// <summary>The page's body if it was written for these items and stamps in this order and this total, and every
    /// item's diagnosis still holds at <paramref name="now"/>.</summary>
    public ListedBody? Find(Key key, IReadOnlyList<ListedStamp> stamps, int total, DateTime now)
    {
        if (!cache.TryGetValue(key, out Entry? e) || e is null || now < e.From || now >= e.Until
            || e.Total != total || e.Stamps.Length != stamps.Count) return null;
        for (var i = 0; i < stamps.Count; i++)
            if (stamps[i].Locked || !e.Stamps[i].Equals(stamps[i])) return null;
        return e.Body;
    }

    public void Keep(Key key, IReadOnlyList<ListedStamp> stamps, int total, DateTime now, DateTime until, ListedBody body)
    {
        if (until <= now || stamps.Count == 0) return;
        // The body and room for its gzip copy, made later on demand (JSON compresses to well under a quarter).
        var size = body.Raw.Length * 5L / 4 + 64L + (key.Q?.Length ?? 0) * 2L + (key.Status?.Length ?? 0) * 2L; // the search is the caller's
        foreach (var s in stamps) size += (s.Id.Length + s.Stamp.Length) * 2L + 32;
        cache.Set(key, new Entry([.. stamps], total, now, until, body), new MemoryCacheEntryOptions { Size = size });
    }

    public void Dispose() => cache.Dispose();
}
