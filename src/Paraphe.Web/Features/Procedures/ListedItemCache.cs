using Microsoft.Extensions.Caching.Memory;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// The list's built items, as the UTF-8 JSON they were written as (issue 12, fifth round): a page whose procedures did
/// not change costs one statement of ids and stamps (<see cref="ListedStamps"/>, seventh round: no entity read) and the
/// copy of the kept bytes. Nothing is trusted from memory alone: each request reads the stamps of what each item is built
/// from, and an item is served again only if
/// <list type="bullet">
/// <item>its procedure, signers, sealing job, messages and events have the same stamp in the database (any writer, any
/// instance: row versions, see <see cref="ListedStamps"/>);</item>
/// <item>the time is still within what its diagnosis said it holds for (<see cref="Domain.Diagnosis.DiagnosisClock"/>:
/// from when it was built until the next « il y a », « dans » or 24 h rule would read differently);</item>
/// <item>and the caller is of the same agency and culture (in the key).</item>
/// </list>
/// A procedure with a signer locked out of signing codes (whose codes the diagnosis counts, not stamped) is never kept. Memory is bounded: at most <see cref="SizeLimitBytes"/> of JSON, the least recently used dropped first.
/// </summary>
public sealed class ListedItemCache : IDisposable
{
    /// <summary>About 11,000 items of three signers (~5.7 KB each).</summary>
    public const long SizeLimitBytes = 64L * 1024 * 1024;

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = SizeLimitBytes, CompactionPercentage = 0.25 });

    private sealed record Key(string AgencyId, string Culture, string ProcedureId);

    private sealed record Entry(string Stamp, DateTime From, DateTime Until, byte[] Json);

    /// <summary>The item's JSON if it was built under this stamp, and still holds at <paramref name="now"/>: until
    /// <paramref name="until"/> (a whole page holds until its earliest item's, <see cref="ListedPageCache"/>).</summary>
    public byte[]? Find(string agencyId, string culture, string procedureId, string stamp, DateTime now, out DateTime until)
    {
        until = default;
        if (!cache.TryGetValue(new Key(agencyId, culture, procedureId), out Entry? e) || e is null
            || e.From > now || now >= e.Until || e.Stamp != stamp) return null;
        until = e.Until;
        return e.Json;
    }

    public void Keep(string agencyId, string culture, string procedureId, string stamp, DateTime now, DateTime until, byte[] json)
    {
        if (until <= now) return;
        cache.Set(new Key(agencyId, culture, procedureId), new Entry(stamp, now, until, json),
            new MemoryCacheEntryOptions { Size = json.Length + stamp.Length * 2L });
    }

    public void Dispose() => cache.Dispose();
}
