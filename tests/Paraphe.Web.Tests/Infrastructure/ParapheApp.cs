using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paraphe.Data;
using Paraphe.Domain.Agencies;
using Paraphe.Testing;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Tests.Infrastructure;

/// <summary>
/// The whole app on one database, started once per collection (start-up and migrations are not free). Its clock
/// is a <see cref="FakeTimeProvider"/> that moves 1 ms per reading, so timestamps stay ordered and tests can jump
/// ahead (expiry); it never goes back, so tests sharing the app do not disturb one another.
/// </summary>
public abstract class ParapheApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string DemoApiKey = "pk_test_demo_agency_key_for_web_tests";
    public const string PublicBaseUrl = "https://paraphe.test";

    /// <summary>Small, so that the oversize upload test sends 1.5 MB and not 60.</summary>
    public const int MaxUploadMegabytes = 1;

    private readonly string dataDirectory = Directory.CreateTempSubdirectory("paraphe-web-tests-").FullName;

    /// <summary>Where the app keeps its keys and the development seal certificates (`sealing/dev-ca.pem`).</summary>
    public string DataDirectory => dataDirectory;
    private string? connectionString;

    /// <summary>The database's connection string, null for the default SQLite file (a second instance uses the same).</summary>
    public string? ConnectionString => connectionString;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero))
    {
        AutoAdvanceAmount = TimeSpan.FromMilliseconds(1),
    };

    /// <summary>`sqlite` or `postgres`, for messages.</summary>
    public abstract string DatabaseName { get; }

    /// <summary>The connection string to configure, or null for the default SQLite file in the data directory.</summary>
    protected abstract Task<string?> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        connectionString = await CreateDatabaseAsync();
        _ = Server; // starts the host: migrations and the demo agency
        await StartedAsync();
    }

    /// <summary>
    /// Where the documents are kept (`Paraphe:Storage:*`). Every instance of a deployment shares one store, so a second
    /// instance started beside this one (<see cref="Abuse.SecondInstance"/>, <see cref="Instances.AnotherInstance"/>)
    /// takes these too, whatever its data directory: by default the files under this app's data directory.
    /// </summary>
    public virtual IReadOnlyDictionary<string, string> StorageSettings => new Dictionary<string, string>
    {
        ["Paraphe:Storage:Provider"] = "filesystem",
        ["Paraphe:Storage:Directory"] = Path.Combine(dataDirectory, "documents"),
    };

    /// <summary>Runs once the host has started (a fixture that starts a second instance beside it).</summary>
    protected virtual Task StartedAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Paraphe:DataDirectory", dataDirectory);
        builder.UseSetting("Paraphe:Demo:ApiKey", DemoApiKey);
        builder.UseSetting("Paraphe:PublicBaseUrl", PublicBaseUrl);
        builder.UseSetting("Paraphe:MaxUploadMegabytes", MaxUploadMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Paraphe:Outbox:PollInterval", "00:00:00.200");
        builder.UseSetting("Paraphe:Verify:PerMinute", "1000"); // the suites share one client address; VerifyRateLimit sets its own
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in StorageSettings) builder.UseSetting(key, value);
        // Tests hammer one link on purpose (parallel requests, fuzzing); the per-link limits have fixtures of their own (Abuse/EvidenceFlooding).
        builder.UseSetting("Paraphe:LinkRateLimits:SigningPerMinute", "100000");
        builder.UseSetting("Paraphe:LinkRateLimits:DownloadsPerMinute", "100000");
        if (connectionString is not null)
        {
            builder.UseSetting("ConnectionStrings:Paraphe", connectionString);
            builder.UseSetting("Paraphe:Database", "postgres");
        }
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        Configure(builder);
    }

    /// <summary>More settings for a fixture of its own (a worker turned off…).</summary>
    protected virtual void Configure(IWebHostBuilder builder) { }

    /// <summary>A client of the demo agency.</summary>
    public Api Api() => new(this, DemoApiKey);

    /// <summary>A client with no key at all.</summary>
    public HttpClient Anonymous() => CreateClient();

    /// <summary>Runs <paramref name="work"/> on a DbContext of its own, outside any request (no tenant: filters hide everything).</summary>
    public async Task<T> DbAsync<T>(Func<ParapheDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ParapheDbContext>());
    }

    public Task DbAsync(Func<ParapheDbContext, Task> work) => DbAsync<bool>(async db => { await work(db); return true; });

    /// <summary>A DbContext of <paramref name="agencyId"/>'s, as a request of that agency has one (for tests that call a
    /// feature's read directly); the caller disposes it.</summary>
    public ParapheDbContext AgencyDb(string agencyId) =>
        new ParapheDbContext(Services.GetRequiredService<DbContextOptions<ParapheDbContext>>()).Lease(new AgencyTenant(agencyId), TimeProvider.System);

    /// <summary>
    /// The services of every instance of the deployment that works on this app's database: this one, and the PostgreSQL
    /// collection's second instance, whose workers (dispatcher, webhooks, sealing, sweeps) may pick up any row. A test that
    /// swaps a singleton's behaviour (a resolver, a gate) swaps it on each of them.
    /// </summary>
    public virtual IEnumerable<IServiceProvider> EveryInstance => [Services];

    /// <summary>The app's document store (`Paraphe:Storage`), to read or alter what a row names.</summary>
    public Paraphe.Web.Platform.Storage.StoredFiles Files => Services.GetRequiredService<Paraphe.Web.Platform.Storage.StoredFiles>();

    /// <summary>Another agency, through the same code path as `agencies add`.</summary>
    public async Task<(string AgencyId, Api Api)> CreateAgencyAsync(string name)
    {
        var result = await DbAsync(db => CreateAgency.HandleAsync(db, name, $"direction.{Guid.NewGuid():N}@agence-test.fr",
            null, null, CancellationToken.None));
        return (result.Agency.Id, new Api(this, result.ApiKey));
    }

    public Task<string> DemoAgencyIdAsync() => DbAsync(async db =>
    {
        var hash = ApiKeys.Hash(DemoApiKey);
        return await db.ApiKeys.Where(k => k.Hash == hash).Select(k => k.AgencyId).SingleAsync();
    });

    /// <summary>A user of the agency with the given role (commercial agents have no signing authority).</summary>
    public Task<string> CreateUserAsync(string agencyId, UserRole role) => DbAsync(async db =>
    {
        var user = User.Create(agencyId, $"agent.{Guid.NewGuid():N}@agence-test.fr", "Paul", "Agent", role, "",
            Clock.GetUtcNow().UtcDateTime, mobile: "+33611223344");
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    });

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(dataDirectory, recursive: true); }
        catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteApp : ParapheApp
{
    public override string DatabaseName => "sqlite";
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
}

/// <summary>
/// The PostgreSQL collection's app: the shape of a network's deployment, two instances on one PostgreSQL with the
/// documents in object storage (s3rver on loopback; `PARAPHE_TESTS_POSTGRES_STORAGE=filesystem` for files).
/// Unless `PARAPHE_TESTS_SECOND_INSTANCE=0`, a second instance runs beside it on the
/// same database and clock, with a data directory of its own holding a copy of the first one's keys (as a deployment
/// gives every instance the same secrets), its workers on: the dispatcher, the sealing worker and the sweeps of the
/// two share the work under every test of the collection, while the tests talk to the first.
/// </summary>
public sealed class PostgresApp : ParapheApp
{
    private Abuse.SecondInstance? peer;
    private string? peerDirectory;

    public override string DatabaseName => "postgres";

    /// <summary>Whether the collection runs with a second instance (`PARAPHE_TESTS_SECOND_INSTANCE`, default on).</summary>
    public static bool WithSecondInstance => Environment.GetEnvironmentVariable("PARAPHE_TESTS_SECOND_INSTANCE") != "0";

    private S3rver? s3;

    /// <summary>Whether the collection keeps its documents in s3rver (`PARAPHE_TESTS_POSTGRES_STORAGE`, default `s3`; `filesystem` for files).</summary>
    public static bool WithObjectStorage => Environment.GetEnvironmentVariable("PARAPHE_TESTS_POSTGRES_STORAGE") != "filesystem";

    /// <summary>The collection's s3rver (a real S3-compatible server on loopback), or files when it is turned off.</summary>
    public override IReadOnlyDictionary<string, string> StorageSettings => s3?.Settings ?? base.StorageSettings;

    protected override async Task<string?> CreateDatabaseAsync()
    {
        if (WithObjectStorage) s3 = await S3rver.StartAsync();
        var cluster = await PostgresCluster.SharedAsync();
        return await cluster.CreateUniqueDatabaseAsync("web");
    }

    public override IEnumerable<IServiceProvider> EveryInstance => peer is null ? base.EveryInstance : [Services, peer.Services];

    protected override Task StartedAsync()
    {
        if (!WithSecondInstance) return Task.CompletedTask;
        peerDirectory = Directory.CreateTempSubdirectory("paraphe-web-tests-peer-").FullName;
        foreach (var file in Directory.EnumerateFiles(DataDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(peerDirectory, Path.GetRelativePath(DataDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        peer = new Abuse.SecondInstance(this, peerDirectory);
        _ = peer.Server;
        return Task.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        if (peer is not null) await peer.DisposeAsync();
        if (peerDirectory is not null)
            try { Directory.Delete(peerDirectory, recursive: true); }
            catch (IOException) { }
        await base.DisposeAsync();
        if (s3 is not null) await s3.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SqliteCollection : ICollectionFixture<SqliteApp>
{
    public const string Name = "sqlite";
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresApp>
{
    public const string Name = "postgres";
}

/// <summary>The tenant of a request of <paramref name="agencyId"/>'s (none: no agency).</summary>
public sealed class AgencyTenant(string? agencyId) : ITenant
{
    public string? AgencyId => agencyId;
}
