using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Paraphe.Data;

namespace Paraphe.Web.Platform;

/// <summary>
/// The request's (or the worker's) <see cref="ParapheDbContext"/>, leased from EF Core's pool and given back when its
/// scope ends. Each lease is given the scope's tenant and the clock, and every save interceptor forgets what an
/// earlier lease left (<see cref="IContextState"/>): a pooled context carries nothing from one request to the next.
/// </summary>
public sealed class ContextLeases(IDbContextFactory<ParapheDbContext> pool, IEnumerable<IInterceptor> interceptors, TimeProvider clock)
{
    private readonly IContextState[] states = interceptors.OfType<IContextState>().ToArray();

    public ParapheDbContext Lease(IServiceProvider scope)
    {
        var db = pool.CreateDbContext();
        foreach (var state in states) state.Forget(db);
        return db.Lease(scope.GetRequiredService<ITenant>(), clock);
    }

    /// <summary>
    /// Registers the pool (options built once, from the root services: every interceptor is a singleton) and the scoped
    /// context leased from it. <paramref name="configure"/> sets the provider and the interceptors.
    /// </summary>
    public static void AddParapheDbContext(IServiceCollection services, Action<IServiceProvider, DbContextOptionsBuilder> configure)
    {
        services.AddPooledDbContextFactory<ParapheDbContext>(configure);
        services.AddSingleton<ContextLeases>();
        services.AddScoped(scope => scope.GetRequiredService<ContextLeases>().Lease(scope));
    }
}
