using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Web.Tests.Abuse;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Instances;

/// <summary>
/// Issue 11: rate limits hold across instances on one database — a client spreading its requests over two instances
/// behind a load balancer gets one budget, not one per instance: the per-link limit, /verify's, the login throttle.
/// </summary>
public abstract class RateLimitsAcrossInstances(ParapheApp app)
{
    /// <summary>Moves the shared clock to the start of a fresh minute, so that a test's requests fall in one window.</summary>
    private void StartOfAMinute()
    {
        var now = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerMinute - now.Ticks % TimeSpan.TicksPerMinute) + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task OneSigningLinksBudgetIsSharedByTwoInstances()
    {
        var settings = new Dictionary<string, string> { ["Paraphe:LinkRateLimits:SigningPerMinute"] = "4" };
        await using var a = new AnotherInstance(app, settings);
        await using var b = new AnotherInstance(app, settings);
        var (onA, onB) = (a.CreateClient(), b.CreateClient());
        var path = $"/api/v1/signing/{Guid.NewGuid():N}{Guid.NewGuid():N}"; // a link guessed at: it counts all the same
        StartOfAMinute();
        foreach (var client in new[] { onA, onB, onA, onB })
        {
            using var response = await client.GetAsync(path);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, response.StatusCode);
        }
        foreach (var client in new[] { onA, onB })
        {
            using var refused = await client.GetAsync(path);
            await Expect.ProblemAsync(refused, HttpStatusCode.TooManyRequests, "rate_limited");
            Assert.True(refused.Headers.RetryAfter?.Delta?.TotalSeconds is > 0 and <= 60, $"Retry-After: {refused.Headers.RetryAfter}");
        }
        // Another link has its own budget; the next minute gives this one a new one.
        using (var other = await onA.GetAsync($"/api/v1/signing/{Guid.NewGuid():N}{Guid.NewGuid():N}"))
            Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        using (var later = await onB.GetAsync(path))
            Assert.NotEqual(HttpStatusCode.TooManyRequests, later.StatusCode);
    }

    /// <summary>
    /// Issue 12: below half its budget an instance counts a link's requests in memory and adds them to the shared row
    /// as one delta a second later; the other instance's budget is what is left of the shared one.
    /// </summary>
    [Fact]
    public async Task HitsCountedInMemoryAreFlushedIntoTheSharedBudget()
    {
        var settings = new Dictionary<string, string> { ["Paraphe:LinkRateLimits:SigningPerMinute"] = "10" };
        await using var a = new AnotherInstance(app, settings);
        await using var b = new AnotherInstance(app, settings);
        var (onA, onB) = (a.CreateClient(), b.CreateClient());
        var token = $"{Guid.NewGuid():N}{Guid.NewGuid():N}";
        var path = $"/api/v1/signing/{token}";
        var key = "signing:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))) + "@";
        StartOfAMinute();
        for (var i = 0; i < 4; i++) // the first asks the database, the next three are counted in memory
        {
            using var response = await onA.GetAsync(path);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, response.StatusCode);
        }
        var counted = 0;
        for (var waited = 0; waited < 300 && counted < 4; waited++)
        {
            counted = await app.DbAsync(db => db.RateLimitCounters.Where(c => c.Key.StartsWith(key)).Select(c => c.Count).SingleOrDefaultAsync());
            if (counted < 4) await Task.Delay(100);
        }
        Assert.True(counted == 4, $"the shared row holds {counted} of the 4 requests counted on instance A after 30 s (no flush?)");
        for (var i = 0; i < 6; i++)
        {
            using var response = await onB.GetAsync(path);
            Assert.True(response.StatusCode != HttpStatusCode.TooManyRequests, $"request {i + 5} of 10 refused on B");
        }
        using var refused = await onB.GetAsync(path);
        await Expect.ProblemAsync(refused, HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task VerificationsAreCountedOnceForBothInstances()
    {
        var settings = new Dictionary<string, string> { ["Paraphe:Verify:PerMinute"] = "3" };
        await using var a = new AnotherInstance(app, settings);
        await using var b = new AnotherInstance(app, settings);
        var pdf = Paraphe.Testing.SamplePdfs.Valid(1, "Vérification");
        Task<HttpResponseMessage> VerifyAsync(AnotherInstance instance) => instance.CreateClient().PostAsync("/api/v1/verify", Api.PdfForm(pdf));
        StartOfAMinute();
        foreach (var instance in new[] { a, b, a })
        {
            using var response = await VerifyAsync(instance);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await Expect.ProblemAsync(await VerifyAsync(b), HttpStatusCode.TooManyRequests, "rate_limited");
        await Expect.ProblemAsync(await VerifyAsync(a), HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task TheLoginThrottleCountsFailuresOnEveryInstance()
    {
        await using var b = new AnotherInstance(app);
        var ip = $"198.51.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";
        var (onA, onB) = (new AgentBrowser(app, ip), new AgentBrowser(b, ip));
        string NewEmail() => $"inconnu.{Guid.NewGuid():N}@agence-test.fr";
        // Twenty failures throttle an address (Paraphe:Login:MaxFailuresPerAddress), half of them on each instance.
        for (var i = 0; i < 20; i++)
            Assert.Contains("Email ou mot de passe incorrect.", await (await (i % 2 == 0 ? onA : onB).LogInAsync(NewEmail(), "x")).Content.ReadAsStringAsync(),
                StringComparison.Ordinal);
        foreach (var browser in new[] { onA, onB })
            Assert.Contains("Trop de tentatives de connexion", await (await browser.LogInAsync(NewEmail(), "x")).Content.ReadAsStringAsync(),
                StringComparison.Ordinal);
    }

    [Fact]
    public async Task CodeRequestsSpreadOverTwoInstancesSendAtMostThree()
    {
        await using var b = new AnotherInstance(app);
        var api = app.Api();
        var document = await api.UploadPdfAsync();
        var contact = await api.CreateContactAsync();
        var procedure = await Expect.JsonAsync(await api.PostAsync("/api/v1/procedures", new
        {
            document_id = document.Str("id"), mode = "remote", otp = true, launch = true,
            signers = new[] { new { contact_id = contact.Str("id"), role = "vendeur" } },
        }), HttpStatusCode.Created);
        var id = procedure.Str("id");
        var token = app.Services.GetRequiredService<Paraphe.Web.Features.Signing.SigningLinks>().TokenFor(procedure.Signers()[0].Str("id"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            (i % 2 == 0 ? app.Anonymous() : b.CreateClient()).PostAsync($"/api/v1/signing/{token}/otp", null)));

        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.Accepted))
            if (response.StatusCode == HttpStatusCode.Conflict) // a crowd may still outlast the retries, as on one instance (NoServerErrors)
                await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "concurrent_update");
            else
                await Expect.ProblemAsync(response, HttpStatusCode.TooManyRequests, "otp_send_limit");
        var sent = responses.Count(r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.InRange(sent, 1, 3);
        Assert.Equal(sent, await app.DbAsync(db => db.Notifications.IgnoreQueryFilters()
            .CountAsync(n => n.ProcedureId == id && n.Purpose == Paraphe.Domain.Notifications.Purpose.Otp)));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class RateLimitsAcrossInstancesOnSqlite(SqliteApp app) : RateLimitsAcrossInstances(app);

[Collection(PostgresCollection.Name)]
public sealed class RateLimitsAcrossInstancesOnPostgres(PostgresApp app) : RateLimitsAcrossInstances(app);
