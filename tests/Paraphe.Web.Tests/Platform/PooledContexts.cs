using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Web.Platform;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Platform;

/// <summary>
/// Contexts are pooled (issue 12): the same instance serves one request after another. What one lease was given or
/// left — its agency, an idempotency key it held but never saved — must never reach the next.
/// </summary>
public abstract class PooledContexts(ParapheApp app)
{
    /// <summary>A scope whose tenant is the given agency, as the request's would be.</summary>
    private sealed class Scope(IServiceProvider services, ITenant tenant) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(ITenant) ? tenant : services.GetService(serviceType);
    }

    [Fact]
    public async Task TheNextLeaseSeesOnlyItsOwnAgencyAndNothingTheLastOneHeld()
    {
        var (agencyA, apiA) = await app.CreateAgencyAsync("Agence A " + Guid.NewGuid().ToString("N")[..6]);
        var (agencyB, apiB) = await app.CreateAgencyAsync("Agence B " + Guid.NewGuid().ToString("N")[..6]);
        var contactA = (await apiA.CreateContactAsync("Anne", "Agence-A")).Str("id");
        var contactB = (await apiB.CreateContactAsync("Bruno", "Agence-B")).Str("id");
        var key = await app.DbAsync(async db =>
        {
            var record = new IdempotencyRecord { AgencyId = agencyA, Key = "k-" + Guid.NewGuid(), RequestHash = "h", Owner = "owner-a", CreatedAt = DateTime.UtcNow };
            db.IdempotencyRecords.Add(record);
            await db.SaveChangesAsync();
            return record.Id;
        });
        var leases = app.Services.GetRequiredService<ContextLeases>();

        ParapheDbContext first;
        await using (var scopeA = app.Services.CreateAsyncScope())
        {
            first = leases.Lease(new Scope(scopeA.ServiceProvider, new AgencyTenant(agencyA)));
            Assert.Equal([contactA], await first.Contacts.Where(c => c.Id == contactA || c.Id == contactB).Select(c => c.Id).ToListAsync());
            // The request holds its key, then fails before saving: the context goes back to the pool with it.
            IdempotencyCommit.Hold(first, new IdempotencyReservation(key, "owner-a", null));
            await first.DisposeAsync();
        }

        // The pool hands contexts out oldest first, and the app's workers lease too: take leases until that very
        // instance comes back (what follows is about reuse), holding the others meanwhile.
        await using var scopeB = app.Services.CreateAsyncScope();
        var held = new List<ParapheDbContext>();
        ParapheDbContext next;
        while (!ReferenceEquals(next = leases.Lease(new Scope(scopeB.ServiceProvider, new AgencyTenant(agencyB))), first))
        {
            held.Add(next);
            Assert.True(held.Count < 5000, "the pool never gave the first context back");
        }
        foreach (var other in held) await other.DisposeAsync();
        Assert.Equal([contactB], await next.Contacts.Where(c => c.Id == contactA || c.Id == contactB).Select(c => c.Id).ToListAsync());
        next.RateLimitCounters.Add(new RateLimitCounter { Key = "pooled-" + Guid.NewGuid(), Count = 1, WindowEnds = DateTime.UtcNow.AddMinutes(1) });
        await next.SaveChangesAsync();
        await next.DisposeAsync();

        var committed = await app.DbAsync(db => db.IdempotencyRecords.IgnoreQueryFilters().Where(r => r.Id == key).Select(r => r.CommittedAt).SingleAsync());
        Assert.Null(committed); // the earlier request's key was not committed with another request's work
    }

    [Fact]
    public async Task ARequestScopeLeasesAContextWithItsClockAndNoAgency()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        Assert.Null(db.TenantAgencyId); // no request, no agency: tenant tables filtered to nothing
        Assert.Empty(await db.Contacts.Take(1).ToListAsync());
        Assert.Equal(app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, db.UtcNow, TimeSpan.FromMinutes(1));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class PooledContextsOnSqlite(SqliteApp app) : PooledContexts(app);

[Collection(PostgresCollection.Name)]
public sealed class PooledContextsOnPostgres(PostgresApp app) : PooledContexts(app);
