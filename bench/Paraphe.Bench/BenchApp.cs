using System.Data.Common;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Paraphe.Data;
using Paraphe.Testing;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Features.Contacts;
using Paraphe.Web.Features.Documents;
using Paraphe.Web.Features.Notifications;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Platform;

namespace Paraphe.Bench;

/// <summary>
/// The services a request to create and launch a procedure uses, and the outbox (senders, dispatcher), wired as
/// Program wires them (same DbContext registration, same provider switch, same handlers, AddNotifications), with the
/// tenant fixed to one bench agency instead of coming from an API key. Owns its database: a SQLite file in a temp directory, or a database in a PostgreSQL
/// cluster started with fsync on.
/// </summary>
public sealed class BenchApp : IAsyncDisposable
{
    private readonly string _directory;
    private readonly PostgresCluster? _cluster;

    private BenchApp(DatabaseProvider provider, string connectionString, string directory, PostgresCluster? cluster,
        ServiceProvider services)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _directory = directory;
        _cluster = cluster;
        Services = services;
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }
    public ServiceProvider Services { get; }
    public string AgencyId { get; private set; } = "";
    public string Actor { get; private set; } = "";
    public string DocumentId { get; private set; } = "";
    public IReadOnlyList<string> ContactIds { get; private set; } = [];

    /// <summary>The durability settings in force, as the database reports them.</summary>
    public string Settings { get; private set; } = "";

    /// <param name="settings">configuration keys as in appsettings.json, e.g. `Paraphe:Outbox:BatchSize`.</param>
    public static async Task<BenchApp> StartAsync(DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var directory = Directory.CreateTempSubdirectory("paraphe-bench-").FullName;
        PostgresCluster? cluster = null;
        string connectionString;
        if (provider == DatabaseProvider.Postgres)
        {
            cluster = await PostgresCluster.StartAsync(fsync: true);
            connectionString = await cluster.CreateUniqueDatabaseAsync("bench");
        }
        else
        {
            // Program's default: a file in the data directory, no extra pragmas in the connection string.
            connectionString = $"Data Source={Path.Combine(directory, "paraphe.db")}";
        }

        var tenant = new BenchTenant();
        // A builder only to collect services: AddNotifications wires the senders, SenderRegistry and OutboxDispatcher
        // as Program does, from `settings` (Paraphe:Outbox:BatchSize, Paraphe:Email:…). No host is started, so no
        // hosted service (dispatcher loop, bounce listener) runs unless a benchmark calls it.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        var services = builder.Services;
        services.AddLogging();
        services.AddSingleton(Options.Create(new ParapheOptions
        {
            DataDirectory = directory,
            SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        }));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ITenant>(tenant);
        // The app's own save interceptors (idempotency, webhooks, attention, sealing wake-up, delivery metrics), as
        // Database.AddDatabase adds them: a benchmark of a write pays what production pays. No host is started, so
        // the hosted services these set-ups register never run.
        builder.AddProcedures();
        Paraphe.Web.Features.Webhooks.WebhooksSetup.AddWebhooks(builder);
        Paraphe.Web.Features.Completion.CompletionSetup.AddCompletion(builder);
        IdempotencyMiddleware.AddIdempotency(services);
        Paraphe.Web.Platform.Observability.ObservabilitySetup.AddObservability(builder);
        ContextLeases.AddParapheDbContext(services, (sp, o) => o.Use(provider, connectionString) // pooled, as the app
            // PARAPHE_BENCH_NO_APP_INTERCEPTORS=1: without the app's save interceptors — a measurement of their share
            // only (docs/PERFORMANCE.md, « create + launch », third round), never a figure of Paraphe.
            .AddInterceptors(Environment.GetEnvironmentVariable("PARAPHE_BENCH_NO_APP_INTERCEPTORS") == "1"
                ? [] : sp.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>())
            .AddInterceptors(CommandCounter.Instance, SaveCounter.Instance, RowReplay.Interceptor.Instance)
            // Last, as Database.AddDatabase adds it. PARAPHE_BENCH_DETECT_EVERY_LOOK=1 leaves it out: every look of the
            // save pipeline detects changes again, as before issue 12's fourth round (an A/B measurement only).
            .AddInterceptors(Environment.GetEnvironmentVariable("PARAPHE_BENCH_DETECT_EVERY_LOOK") == "1" ? [] : [DetectBeforeWrite.Instance]));
        services.AddSingleton<SigningLinks>();
        services.AddScoped<UploadDocument>();
        // The document store, as Paraphe:Storage's default (files under the data directory).
        services.AddSingleton<Paraphe.Web.Platform.Storage.IDocumentStore>(
            new Paraphe.Web.Platform.Storage.FileSystemDocumentStore(Path.Combine(directory, "documents")));
        services.AddSingleton<Paraphe.Web.Platform.Storage.StoredFiles>();
        services.AddScoped<LaunchProcedure>();
        // The senders' metrics (SenderRegistry meters each provider call), as ObservabilitySetup registers them.
        services.AddMetrics();
        services.AddOptions<Paraphe.Web.Platform.Observability.TelemetryOptions>();
        services.AddSingleton<Paraphe.Web.Platform.Observability.OutboxBacklog>();
        services.AddSingleton<Paraphe.Web.Platform.Observability.ParapheMetrics>();
        // What the dispatcher derives links with (completion downloads, account emails), as Program registers them.
        services.AddSingleton<Paraphe.Web.Features.Completion.DownloadLinks>();
        services.AddSingleton<Paraphe.Web.Features.Agencies.AccountLinks>();
        builder.AddNotifications();
        var app = new BenchApp(provider, connectionString, directory, cluster,
            services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true }));
        await app.PrepareAsync(tenant);
        return app;
    }

    /// <summary>What Database.PrepareDatabaseAsync does, then one agency, three contacts and one document.</summary>
    private async Task PrepareAsync(BenchTenant tenant)
    {
        var ct = CancellationToken.None;
        await using (var scope = Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
            await db.Database.MigrateAsync(ct);
            if (db.Database.IsSqlite())
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            var created = await CreateAgency.HandleAsync(db, "Agence Bench", "direction@agence-bench.fr", "bench-password-1",
                null, ct);
            AgencyId = created.Agency.Id;
            Actor = $"user:{created.Director.Id}";
        }

        tenant.AgencyId = AgencyId;
        await using (var scope = Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
            var ids = new List<string>();
            foreach (var (first, last, email, mobile) in new[]
                     {
                         ("Marie", "Durand", "marie.durand@orange.fr", "06 12 34 56 78"),
                         ("Paul", "Martin", "paul.martin@gmail.com", "07 81 23 45 67"),
                         ("Chloé", "Bernard", "chloe.bernard@free.fr", "06 45 67 89 01"),
                     })
                ids.Add((await SaveContact.CreateAsync(db, AgencyId, new SaveContact.Request(first, last, email, mobile), ct)).Id);
            ContactIds = ids;

            var upload = scope.ServiceProvider.GetRequiredService<UploadDocument>();
            var document = await upload.StageAsync(AgencyId, SamplePdfs.Valid(pageCount: 4), "Compromis de vente", "compromis", CancellationToken.None);
            await db.SaveChangesAsync(ct);
            DocumentId = document.Id;
        }

        await using (var connection = OpenFloorConnection())
        {
            await ExecuteAsync(connection, "CREATE TABLE bench_floor (id BIGINT PRIMARY KEY, at TEXT NOT NULL, payload TEXT NOT NULL)");
            Settings = Provider switch
            {
                DatabaseProvider.Sqlite =>
                    $"journal_mode={await ScalarAsync(connection, "PRAGMA journal_mode")}, " +
                    $"synchronous={SqliteSynchronous(await ScalarAsync(connection, "PRAGMA synchronous"))}, " +
                    $"SQLite {await ScalarAsync(connection, "SELECT sqlite_version()")}",
                DatabaseProvider.Postgres =>
                    $"fsync={await ScalarAsync(connection, "SHOW fsync")}, " +
                    $"synchronous_commit={await ScalarAsync(connection, "SHOW synchronous_commit")}, " +
                    $"full_page_writes={await ScalarAsync(connection, "SHOW full_page_writes")}, " +
                    $"wal_sync_method={await ScalarAsync(connection, "SHOW wal_sync_method")}, " +
                    $"PostgreSQL {await ScalarAsync(connection, "SHOW server_version")}",
            };
        }
    }

    /// <summary>The plain ADO.NET connection the floor uses: same connection string, same pool settings.</summary>
    public DbConnection OpenFloorConnection()
    {
        DbConnection connection = Provider switch
        {
            DatabaseProvider.Sqlite => new SqliteConnection(ConnectionString),
            DatabaseProvider.Postgres => new NpgsqlConnection(ConnectionString),
        };
        connection.Open();
        return connection;
    }

    private static string SqliteSynchronous(string value) => value switch
    {
        "0" => "OFF",
        "1" => "NORMAL",
        "2" => "FULL",
        "3" => "EXTRA",
        _ => value,
    };

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_cluster is not null) await _cluster.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { } // a leftover temp directory is not worth failing a run for
    }

    private sealed class BenchTenant : ITenant
    {
        public string? AgencyId { get; set; }
    }
}
