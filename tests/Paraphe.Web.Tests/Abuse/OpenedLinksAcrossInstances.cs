using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Tests.Infrastructure;
using Paraphe.Web.Tests.Instances;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 12: an opened link's page and view are kept in memory (<see cref="OpenedLinks"/>), trusted only while the
/// stored procedure's version is the one they were taken from. A change made through another instance on the same
/// database — a cancellation, a signature, a code sent — and the clock passing the expiry are seen by the very next
/// request to this instance's signing routes.
/// </summary>
public abstract class OpenedLinksAcrossInstances(ParapheApp app)
{
    private readonly Api api = app.Api();

    /// <summary>The link opened twice on the first instance: the second answer came from memory.</summary>
    private async Task<string> OpenedTwiceAsync(string email)
    {
        var token = await api.SigningTokenAsync(email);
        for (var i = 0; i < 2; i++)
        {
            await Expect.JsonAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.OK);
            Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync($"/sign/{token}")).StatusCode);
        }
        Assert.True(app.Services.GetRequiredService<OpenedLinks>().Holds(token), "the opened link should be kept in memory");
        return token;
    }

    private static HttpClient ApiClient(SecondInstance second)
    {
        var client = second.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ParapheApp.DemoApiKey);
        return client;
    }

    [Fact]
    public async Task ACancellationOnTheSecondInstanceIsSeenAtOnceByTheFirst()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 2);
        var token = await OpenedTwiceAsync(contacts[0].Str("email"));

        await using var second = new SecondInstance(app);
        using (var cancelled = await ApiClient(second).PostAsJsonAsync($"/api/v1/procedures/{procedure.Str("id")}/cancel", new { reason = "Erreur sur le prix" }))
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        var problem = await Expect.ProblemAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.Gone, "link_gone");
        Assert.Contains("annulée", problem.Str("detail"));
        var page = await app.Anonymous().GetAsync($"/sign/{token}");
        Assert.Equal(HttpStatusCode.Gone, page.StatusCode);
        Assert.Contains("Procédure annulée", await page.Content.ReadAsStringAsync());
        Assert.False(app.Services.GetRequiredService<OpenedLinks>().Holds(token), "a cancelled link should no longer be kept in memory");
    }

    [Fact]
    public async Task ASignatureOnTheSecondInstanceIsSeenAtOnceByTheFirst()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 2);
        var token = await OpenedTwiceAsync(contacts[0].Str("email"));

        await using var second = new SecondInstance(app);
        using (var signed = await second.CreateClient().PostAsJsonAsync($"/api/v1/signing/{token}/sign",
                   new { consent = true, typed_name = "Jeanne Durand" }))
            Assert.Equal(HttpStatusCode.OK, signed.StatusCode);

        var view = await Expect.JsonAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.OK);
        Assert.Equal("signed", view.GetProperty("signer").Str("status"));
        Assert.Equal("signed", view.Arr("signers")[0].Str("status"));
        var page = await app.Anonymous().GetAsync($"/sign/{token}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("data-testid=\"already-signed\"", await page.Content.ReadAsStringAsync());
        Assert.Equal("ongoing", (await api.ProcedureAsync(procedure.Str("id"))).Str("status"));
    }

    [Fact]
    public async Task TheOtherSignersSignatureOnTheSecondInstanceShowsOnTheFirstInstancesPage()
    {
        var (_, contacts) = await api.LaunchedAsync("remote", signers: 2);
        var token = await OpenedTwiceAsync(contacts[0].Str("email"));
        var other = await api.SigningTokenAsync(contacts[1].Str("email"));

        await using var second = new SecondInstance(app);
        using (var signed = await second.CreateClient().PostAsJsonAsync($"/api/v1/signing/{other}/sign",
                   new { consent = true, typed_name = "Paul Martin" }))
            Assert.Equal(HttpStatusCode.OK, signed.StatusCode);

        var view = await Expect.JsonAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.OK);
        Assert.Equal("pending", view.GetProperty("signer").Str("status"));
        Assert.Equal(["pending", "signed"], view.Arr("signers").Select(s => s.Str("status")).ToArray());
    }

    [Fact]
    public async Task TheClockPassingTheExpiryClosesAnOpenedLinkAtOnce()
    {
        var document = await api.UploadPdfAsync();
        var contact = await api.CreateContactAsync();
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", expires_in_days = 1, signers = new[] { new { contact_id = contact.Str("id") } },
        }), HttpStatusCode.Created);
        await api.LaunchAsync(draft.Str("id"));
        var token = await OpenedTwiceAsync(contact.Str("email"));

        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        // No sweep ran: the stored procedure is unchanged, the clock alone closes the link.
        await Expect.ProblemAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.Gone, "link_gone");
        Assert.Equal(HttpStatusCode.Gone, (await app.Anonymous().GetAsync($"/sign/{token}")).StatusCode);
    }

    private sealed class CommandCount : DbCommandInterceptor
    {
        public int Readers;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Readers);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    [Fact]
    public async Task AnOpenedLinksPageAndViewCostOneReadEach()
    {
        var (_, contacts) = await api.LaunchedAsync("remote", signers: 2);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        var count = new CommandCount();
        await using var instance = new AnotherInstance(app, services: s => s.AddSingleton<IInterceptor>(count));
        var anonymous = instance.CreateClient();
        await Expect.JsonAsync(await anonymous.GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.OK); // the first opening
        foreach (var path in new[] { $"/sign/{token}", $"/api/v1/signing/{token}", $"/sign/{token}" })
        {
            // Background workers (outbox, sealing, sweeps, rate-limit flushes) read too, now and then: of five requests,
            // the quietest shows the request's own reads — one, and never the aggregate's 4–5. Reads through EF are
            // counted by its interceptor; on PostgreSQL the opened link's read runs below EF (sign7), counted apart.
            var links = instance.Services.GetRequiredService<OpenedLinks>();
            long Reads() => Volatile.Read(ref count.Readers) + links.ReadsBelowEf;
            var deltas = new List<long>();
            for (var i = 0; i < 5; i++)
            {
                var before = Reads();
                Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path)).StatusCode);
                deltas.Add(Reads() - before);
            }
            Assert.True(deltas.Min() is >= 1 and <= 2, $"{path}: reads per request {string.Join(", ", deltas)}");
        }
    }

    [Fact]
    public async Task AnUnknownOrGuessedTokenIsNeverKept()
    {
        var links = app.Services.GetRequiredService<OpenedLinks>();
        var before = links.Count;
        for (var i = 0; i < 20; i++)
        {
            var guess = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray())
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');
            Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous().GetAsync($"/api/v1/signing/{guess}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous().GetAsync($"/sign/{guess}")).StatusCode);
            Assert.False(links.Holds(guess));
        }
        Assert.True(links.Count <= before, $"unknown tokens took memory: {before} → {links.Count} snapshots");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class OpenedLinksAcrossInstancesOnSqlite(SqliteApp app) : OpenedLinksAcrossInstances(app);

[Collection(PostgresCollection.Name)]
public sealed class OpenedLinksAcrossInstancesOnPostgres(PostgresApp app) : OpenedLinksAcrossInstances(app);

/// <summary>The memory the opened links take is bounded, whatever the number of links opened.</summary>
public sealed class OpenedLinksCapacity
{
    [Fact]
    public void NoMoreThanTheCapacityIsKept()
    {
        using var links = new OpenedLinks();
        var signer = new SigningView.SignerInfo("Jeanne", "Durand", "vendeur", Paraphe.Domain.Procedures.SignerStatus.Pending);
        for (var i = 0; i < OpenedLinks.Capacity + 500; i++)
            links.Remember($"token-{i:D8}-0123456789abcdef", new SigningSnapshot($"prc_{i}", 3, "Compromis", Paraphe.Domain.Procedures.ProcedureStatus.Ongoing,
                false, null, 4, true, signer, "Jeanne Durand", null, null, false, false, [signer], []));
        Assert.InRange(links.Count, 1, OpenedLinks.Capacity);
    }

    [Fact]
    public void ALinkNotYetOpenedOrOfAFinishedProcedureIsNotKept()
    {
        using var links = new OpenedLinks();
        var signer = new SigningView.SignerInfo("Jeanne", "Durand", "vendeur", Paraphe.Domain.Procedures.SignerStatus.Pending);
        SigningSnapshot Snapshot(Paraphe.Domain.Procedures.ProcedureStatus status, bool opened) =>
            new("prc_1", 3, "Compromis", status, false, null, 4, opened, signer, "Jeanne Durand", null, null, false, false, [signer], []);
        links.Remember("token-not-opened-0123456789abcdef", Snapshot(Paraphe.Domain.Procedures.ProcedureStatus.Ongoing, opened: false));
        links.Remember("token-cancelled-0123456789abcdef", Snapshot(Paraphe.Domain.Procedures.ProcedureStatus.Cancelled, opened: true));
        links.Remember("token-opened-0123456789abcdef", Snapshot(Paraphe.Domain.Procedures.ProcedureStatus.Ongoing, opened: true));
        Assert.False(links.Holds("token-not-opened-0123456789abcdef"));
        Assert.False(links.Holds("token-cancelled-0123456789abcdef"));
        Assert.True(links.Holds("token-opened-0123456789abcdef"));
    }
}
