using System.Net;
using Npgsql;
using Paraphe.Data;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Instances;

/// <summary>The app on a database of its own whose pool is small and whose wait for a connection is short.</summary>
public sealed class SmallPoolApp : ParapheApp
{
    /// <summary>The connection string's own pool size and wait: an operator's setting, kept as given.</summary>
    public const int PoolSize = 3;

    public override string DatabaseName => "postgres";

    protected override async Task<string?> CreateDatabaseAsync() =>
        await (await PostgresCluster.SharedAsync()).CreateUniqueDatabaseAsync("pool") + $";Maximum Pool Size={PoolSize};Timeout=2";
}

/// <summary>
/// Issue 12 (sign8): the application's PostgreSQL pool is small unless the connection string sizes it
/// (<see cref="DatabaseSetup.DefaultMaxPoolSize"/>), so that at 200 concurrent requests they queue in the application
/// rather than as a hundred PostgreSQL backends on a few cores. A request that waits for a connection longer than the
/// connection string's `Timeout` is answered `503 service_unavailable` with `Retry-After` (problem+json on the API, the
/// French page on the signing page) — never a `500`, never a hang — and the same requests succeed once a connection is free.
/// </summary>
public sealed class SharedPoolWait(SmallPoolApp app) : IClassFixture<SmallPoolApp>
{
    [Fact]
    public void ThePoolIsSmallUnlessTheConnectionStringSizesIt()
    {
        var unset = new NpgsqlConnectionStringBuilder(DatabaseSetup.ForSharedPool("Host=db;Database=paraphe;Username=p;Password=s"));
        Assert.Equal(DatabaseSetup.DefaultMaxPoolSize, unset.MaxPoolSize);
        Assert.True(unset.NoResetOnClose);
        Assert.Equal("s", unset.Password);
        foreach (var key in new[] { "Maximum Pool Size", "maximum pool size", "MaxPoolSize" })
            Assert.Equal(50, new NpgsqlConnectionStringBuilder(DatabaseSetup.ForSharedPool($"Host=db;Database=paraphe;{key}=50")).MaxPoolSize);
        Assert.Equal(SmallPoolApp.PoolSize, new NpgsqlConnectionStringBuilder(DatabaseSetup.ForSharedPool(app.ConnectionString!)).MaxPoolSize);
    }

    [Fact]
    public async Task ARequestThatWaitsTooLongForAConnectionIsAnswered503AndTheNextOneSucceeds()
    {
        var api = app.Api();
        api.Http.Timeout = TimeSpan.FromMinutes(2); // a hang would fail here, not pass
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        var anonymous = app.Anonymous();
        anonymous.Timeout = TimeSpan.FromMinutes(2);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/v1/signing/{token}")).StatusCode);

        // Every connection of the application's pool held (the pool is the process's, keyed by the connection string).
        var held = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < SmallPoolApp.PoolSize; i++)
            {
                var connection = new NpgsqlConnection(DatabaseSetup.ForSharedPool(app.ConnectionString!));
                await connection.OpenAsync();
                held.Add(connection);
            }

            await Crash.DatabaseOutage.ExpectUnavailableAsync(await anonymous.GetAsync($"/api/v1/signing/{token}"));
            await Crash.DatabaseOutage.ExpectUnavailableAsync(await api.GetAsync($"/api/v1/procedures/{procedure.Str("id")}"));
            var page = await anonymous.GetAsync($"/sign/{token}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Service momentanément indisponible", WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);
            Assert.NotNull(page.Headers.RetryAfter);
        }
        finally
        {
            foreach (var connection in held) await connection.DisposeAsync();
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/v1/signing/{token}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/sign/{token}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/procedures/{procedure.Str("id")}")).StatusCode);
    }
}
