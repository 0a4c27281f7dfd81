using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Paraphe.Data.Records;
using Paraphe.Domain.Contacts;
using Paraphe.Domain.Documents;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Platform;

/// <summary>
/// The key a request holds while its work runs: the record's id and the random owner token of this holder. Set on the
/// request's own DbContext (<see cref="IdempotencyCommit.Hold"/>), so that the work's save marks the key committed in
/// the same transaction.
/// </summary>
internal sealed class IdempotencyReservation(long id, string owner, string? resource)
{
    public long Id { get; } = id;
    public string Owner { get; } = owner;
    /// <summary>The resource the request path names (`/api/v1/procedures/{id}` for a launch), when the work creates none.</summary>
    public string? Resource { get; } = resource;
    /// <summary>True once a save of the work committed the key with it.</summary>
    public bool Committed { get; set; }
}

/// <summary>
/// Commits an `Idempotency-Key` together with the work it protects: the first save of the request's DbContext that
/// writes anything also updates the key's record (`CommittedAt`, and the resource it created or acted on, so that a
/// retry whose answer was lost can be answered from the resource) — `WHERE Owner = @owner`, the owner token being the
/// record's concurrency token. A key taken over by a retry after its lease ran out therefore cannot commit twice: the
/// first holder's save fails whole (nothing of its work is written) and the retry's work is the only one.
/// </summary>
internal sealed class IdempotencyCommit(TimeProvider clock) : SaveChangesInterceptor, Paraphe.Data.IContextState
{
    private static readonly ConditionalWeakTable<DbContext, IdempotencyReservation> Held = new();

    /// <summary>A key held by an earlier lease of a pooled context never commits with the next request's work.</summary>
    public void Forget(DbContext db) => Held.Remove(db);

    /// <summary>The request's work saves through <paramref name="db"/>: its first save commits the key.</summary>
    public static void Hold(DbContext db, IdempotencyReservation reservation) => Held.AddOrUpdate(db, reservation);

    /// <summary>Whether the next save of <paramref name="db"/> must commit a held key (a write outside the save must not bypass it).</summary>
    public static bool IsHolding(DbContext db) => Held.TryGetValue(db, out var reservation) && !reservation.Committed;

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && Held.TryGetValue(db, out var reservation) && !reservation.Committed)
            Attach(db, reservation);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && Held.TryGetValue(db, out var reservation) && !reservation.Committed)
        {
            reservation.Committed = true;
            if (db.ChangeTracker.Entries<IdempotencyRecord>().FirstOrDefault(e => e.Entity.Id == reservation.Id) is { } entry)
                entry.State = EntityState.Detached;
        }
        return ValueTask.FromResult(result);
    }

    private void Attach(DbContext db, IdempotencyReservation reservation)
    {
        var changes = db.ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .ToList();
        if (changes.Count == 0 || changes.All(e => e.Entity is IdempotencyRecord)) return; // a save that writes nothing commits nothing
        var resource = CreatedResource(changes) ?? reservation.Resource;
        var entry = db.ChangeTracker.Entries<IdempotencyRecord>().FirstOrDefault(e => e.Entity.Id == reservation.Id);
        if (entry is null)
        {
            // A stub: only the key and the owner token are known; the UPDATE writes the two columns below, WHERE Owner = ours.
            entry = db.Attach(new IdempotencyRecord { Id = reservation.Id, Owner = reservation.Owner });
        }
        entry.Entity.CommittedAt = clock.GetUtcNow().UtcDateTime;
        entry.Entity.Location = resource;
        entry.Property(r => r.CommittedAt).IsModified = true;
        entry.Property(r => r.Location).IsModified = true;
    }

    /// <summary>The resource the work creates (a procedure before a document before a contact), as its API address.</summary>
    private static string? CreatedResource(List<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry> changes)
    {
        var added = changes.Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (added.OfType<Procedure>().FirstOrDefault() is { } p) return "/api/v1/procedures/" + p.Id;
        if (added.OfType<Document>().FirstOrDefault() is { } d) return "/api/v1/documents/" + d.Id;
        if (added.OfType<Contact>().FirstOrDefault() is { } c) return "/api/v1/contacts/" + c.Id;
        return null;
    }
}
