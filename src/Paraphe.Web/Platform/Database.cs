using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Web.Features.Agencies;

namespace Paraphe.Web.Platform;

public static class Database
{
    /// <summary>SQLite in the data directory by default; PostgreSQL when `ConnectionStrings:Paraphe` or `Paraphe:Database` says so.</summary>
    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ITenant, RequestTenant>();
        builder.Services.AddSingleton<PlatformSecrets>();
        // Pooled contexts, options built once (issue 12): reading the configuration, parsing the connection string and
        // setting up EF's internal services again cost each request tens of kilobytes. Everything the options hold is
        // a singleton: the interceptors, and the application's root services.
        ContextLeases.AddParapheDbContext(builder.Services, (services, options) =>
        {
            var o = services.GetRequiredService<IOptions<ParapheOptions>>().Value;
            var (provider, connectionString) = Resolve(builder.Configuration, o);
            options.Use(provider, connectionString);
            // Features that react to a commit (the sealing worker wakes when a procedure completes).
            options.AddInterceptors(services.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>());
            options.AddInterceptors(DetectBeforeWrite.Instance); // last: changes detected once before the write (DetectOnce.cs)
        });
        return builder;
    }

    public static (DatabaseProvider Provider, string ConnectionString) Resolve(IConfiguration configuration, ParapheOptions o)
    {
        var configured = configuration.GetConnectionString("Paraphe");
        var connectionString = string.IsNullOrWhiteSpace(configured)
            ? $"Data Source={Path.Combine(o.ResolvedDataDirectory, "paraphe.db")}"
            : configured;
        return (DatabaseSetup.Detect(o.Database, connectionString), connectionString);
    }

    /// <summary>Applies migrations (never EnsureCreated) and seeds the demo agency on an empty database.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, CancellationToken ct = default)
    {
        // Every setting is checked (all at once, so that one start lists every problem) before the database is touched.
        app.Services.GetService<IStartupValidator>()?.Validate();
        var o = app.Services.GetRequiredService<IOptions<ParapheOptions>>().Value;
        var (provider, connectionString) = Resolve(app.Configuration, o);
        var sqlite = provider == DatabaseProvider.Sqlite ? connectionString : null;
        DataFiles.PrepareDirectory(o.ResolvedDataDirectory, sqlite);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        // Several instances starting at once on one PostgreSQL: one at a time migrates, backfills and seeds; the next
        // finds it done. EF Core's own migration lock covers the migrations only, not the backfill or the seeding.
        await using var startup = await DatabaseLock.AcquireAsync(db, DatabaseLock.Names.Startup, ct);
        await db.Database.MigrateAsync(ct);
        if (!db.IsPostgres)
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        DataFiles.Secure(o.ResolvedDataDirectory, sqlite);
        await Features.Contacts.ContactSearchKeys.BackfillAsync(db, ct);
        await DemoAgency.SeedAsync(scope.ServiceProvider, ct);
    }
}
