using Paraphe.Data;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// The list's stamps (<see cref="ListedStamps"/>), read once for concurrent requests of the same page (issue 12, list11):
/// the agency's agents opening the same list at once share one read that started after each of them arrived
/// (<see cref="JoinedReads{TKey,T}"/>), so every answer is as fresh as a read of its own. Keyed on everything the
/// stamps depend on: the agency (tenant isolation: a read is only ever shared within one agency), the filters as given,
/// the page and its size.
/// </summary>
public sealed class ListedStampReads
{
    public sealed record Key(string AgencyId, string? Status, string? Q, bool? NeedsAttention, int Page, int PageSize);

    internal JoinedReads<Key, Paged<ListedStamp>> Reads { get; } = new();

    /// <summary>The page's ids and stamps; <c>Joined</c>: read by a concurrent request's turn.</summary>
    public async Task<(Paged<ListedStamp> Page, bool Joined)> PageAsync(ParapheDbContext db, IQueryable<Procedure> query,
        bool unfiltered, string? status, string? q, bool? needsAttention, int? page, int? pageSize, CancellationToken ct)
    {
        if (db.TenantAgencyId is not { } agency)
            return (await ListedStamps.PageAsync(db, query, unfiltered, page, pageSize, ct), false);
        var (p, size) = Paging.Window(page, pageSize);
        // The read is cancelled with this request only while no other request has joined it (JoinedReads).
        return await Reads.ReadAsync(new Key(agency, status, q, needsAttention, p, size),
            token => ListedStamps.PageAsync(db, query, unfiltered, p, size, token), ct);
    }
}
