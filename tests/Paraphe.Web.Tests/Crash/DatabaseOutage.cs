using System.Diagnostics;
using System.Net;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Crash;

/// <summary>The app on a PostgreSQL cluster of its own, which the test stops and starts again.</summary>
public sealed class OutageApp : ParapheApp
{
    public PostgresCluster Cluster { get; private set; } = null!;

    public override string DatabaseName => "postgres";

    protected override async Task<string?> CreateDatabaseAsync()
    {
        Cluster = await PostgresCluster.StartAsync();
        return await Cluster.CreateUniqueDatabaseAsync("outage");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Cluster is not null) await Cluster.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Issue 11, item 2: the database going away. While the PostgreSQL server is stopped, the API answers at once
/// `503 service_unavailable` (problem+json, `Retry-After`) — never a hang or `500 internal_error` — and pages show
/// « Service momentanément indisponible » with 503. When it is back, Paraphe recovers by itself: requests succeed,
/// the dispatcher sends again and the sealing worker seals, with no restart.
/// </summary>
public sealed class DatabaseOutage(OutageApp app) : IClassFixture<OutageApp>
{
    private static readonly TimeSpan RecoveryWait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task TheApiAnswers503WithRetryAfterWhileTheDatabaseIsDownAndRecoversAfter()
    {
        var api = app.Api();
        api.Http.Timeout = TimeSpan.FromMinutes(2); // a hang would fail here, not pass
        var (before, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));

        await app.Cluster.PauseAsync();
        try
        {
            // Reads, writes and an upload; the second round comes after the pool's connections have all been found dead.
            for (var round = 0; round < 2; round++)
            {
                await ExpectUnavailableAsync(await api.GetAsync("/api/v1/procedures"));
                await ExpectUnavailableAsync(await api.GetAsync($"/api/v1/procedures/{before.Str("id")}"));
                await ExpectUnavailableAsync(await api.PostAsync("/api/v1/contacts",
                    new { first_name = "Luc", last_name = "Martin", email = Api.UniqueEmail("Luc", "Martin") }));
                await ExpectUnavailableAsync(await api.Http.PostAsync("/api/v1/documents", Api.PdfForm(SamplePdfs.Valid())));
                await ExpectUnavailableAsync(await api.GetAsync($"/api/v1/signing/{token}"));
            }

            // A person opening a signing link gets the French page, not a stack trace or a blank screen.
            var page = await app.Anonymous().GetAsync($"/sign/{token}");
            var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Service momentanément indisponible", html, StringComparison.Ordinal);
            Assert.NotNull(page.Headers.RetryAfter);
        }
        finally
        {
            await app.Cluster.ResumeAsync();
        }

        // Back: the same requests succeed (the pool's dead connections are replaced without a restart)…
        await EventuallyAsync(async () => (await api.GetAsync("/api/v1/procedures")).StatusCode == HttpStatusCode.OK,
            "GET /api/v1/procedures never answered 200 again after the database came back");
        Assert.Equal("ongoing", (await api.ProcedureAsync(before.Str("id"))).Str("status"));

        // …the dispatcher sends what is queued after the outage…
        var (after, afterContacts) = await api.LaunchedAsync("remote", signers: 1);
        await api.WaitForOutboxAsync(afterContacts[0].Str("email"));

        // …and the sealing worker seals a procedure completed after it.
        var (completed, _) = await api.CompletedInPersonAsync();
        await api.WaitForSealedAsync(completed);
        Assert.True((await api.AuditAsync(after.Str("id"))).GetProperty("valid").GetBoolean());
        Assert.True((await api.AuditAsync(completed)).GetProperty("valid").GetBoolean());
    }

    internal static async Task ExpectUnavailableAsync(HttpResponseMessage response)
    {
        await Expect.ProblemAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 },
            $"{response.RequestMessage?.RequestUri?.PathAndQuery}: a 503 says when to retry (Retry-After), got {response.Headers.RetryAfter}");
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string failure)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > RecoveryWait) throw new Xunit.Sdk.XunitException($"{failure} (waited {RecoveryWait.TotalSeconds} s)");
            await Task.Delay(200);
        }
    }
}
