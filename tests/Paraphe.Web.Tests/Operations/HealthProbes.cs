using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Paraphe.Domain.Notifications;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Operations;

/// <summary>`GET /health/live` and `GET /health/ready` on a healthy app: 200, and each readiness check named.</summary>
public abstract class HealthProbes(ParapheApp app)
{
    [Fact]
    public async Task LiveAndReadyAnswer200WithEachCheckHealthy()
    {
        using var client = app.Anonymous();

        var (liveStatus, live) = await HealthAnswers.GetAsync(client, "/health/live");
        Assert.Equal(HttpStatusCode.OK, liveStatus);
        Assert.Equal("healthy", live.GetProperty("status").GetString());

        var (readyStatus, ready) = await HealthAnswers.GetAsync(client, "/health/ready");
        Assert.Equal(HttpStatusCode.OK, readyStatus);
        Assert.Equal("healthy", ready.GetProperty("status").GetString());
        foreach (var check in new[] { "database", "migrations", "outbox" })
            Assert.Equal("healthy", ready.GetProperty("checks").GetProperty(check).GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode); // as before
    }
}

[Collection(SqliteCollection.Name)]
public sealed class HealthProbesOnSqlite(SqliteApp app) : HealthProbes(app);

[Collection(PostgresCollection.Name)]
public sealed class HealthProbesOnPostgres(PostgresApp app) : HealthProbes(app);

/// <summary>A due message nobody sends (the dispatcher polls every 10 real minutes here and is never woken) makes the app not ready.</summary>
public sealed class StuckOutboxMakesNotReady(StuckOutboxMakesNotReady.App app) : IClassFixture<StuckOutboxMakesNotReady.App>
{
    public sealed class App : ParapheApp
    {
        public override string DatabaseName => "sqlite";
        protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
        protected override void Configure(IWebHostBuilder builder)
        {
            builder.UseSetting("Paraphe:Outbox:PollInterval", "00:10:00");
            builder.UseSetting("Paraphe:Health:OutboxStuckAfter", "00:10:00");
        }
    }

    [Fact]
    public async Task ReadyAnswers503OnceADueMessageWaitsPastTheThreshold()
    {
        using var client = app.Anonymous();
        var agencyId = await app.DemoAgencyIdAsync();
        await app.DbAsync(async db =>
        {
            db.Notifications.Add(Notification.QueueForAccount(agencyId, Purpose.AccountInvitation, "nouvel.agent@agence-test.fr",
                app.Clock.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync();
        });

        app.Clock.Advance(TimeSpan.FromMinutes(9));
        var (early, _) = await HealthAnswers.GetAsync(client, "/health/ready");
        Assert.Equal(HttpStatusCode.OK, early); // late, not yet stuck

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var (status, body) = await HealthAnswers.GetAsync(client, "/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        var outbox = body.GetProperty("checks").GetProperty("outbox");
        Assert.Equal("unhealthy", outbox.GetProperty("status").GetString());
        Assert.Contains("11 min", outbox.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());

        var (live, _) = await HealthAnswers.GetAsync(client, "/health/live");
        Assert.Equal(HttpStatusCode.OK, live); // alive: restarting it would not send the message
    }
}

/// <summary>The app's own PostgreSQL cluster stops: readiness says 503 quickly, liveness stays 200.</summary>
public sealed class DatabaseGoneMakesNotReady(DatabaseGoneMakesNotReady.App app) : IClassFixture<DatabaseGoneMakesNotReady.App>
{
    public sealed class App : ParapheApp
    {
        public PostgresCluster Cluster { get; private set; } = null!;
        public override string DatabaseName => "postgres";

        protected override async Task<string?> CreateDatabaseAsync()
        {
            Cluster = await PostgresCluster.StartAsync();
            return await Cluster.CreateUniqueDatabaseAsync("gone");
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await Cluster.DisposeAsync();
            GC.SuppressFinalize(this);
        }
    }

    [Fact]
    public async Task ReadyAnswers503WhenTheDatabaseIsGoneAndLiveStays200()
    {
        using var client = app.Anonymous();
        var (before, _) = await HealthAnswers.GetAsync(client, "/health/ready");
        Assert.Equal(HttpStatusCode.OK, before);

        await app.Cluster.DisposeAsync(); // pg_ctl stop -m immediate

        var watch = Stopwatch.StartNew();
        var (status, body) = await HealthAnswers.GetAsync(client, "/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"readiness took {watch.Elapsed} (each check is bounded)");
        var database = body.GetProperty("checks").GetProperty("database");
        Assert.Equal("unhealthy", database.GetProperty("status").GetString());
        Assert.DoesNotContain("127.0.0.1", body.GetRawText(), StringComparison.Ordinal); // no connection details

        var (live, _) = await HealthAnswers.GetAsync(client, "/health/live");
        Assert.Equal(HttpStatusCode.OK, live);
    }
}

internal static class HealthAnswers
{
    public static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }
}
