using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// Concurrent requests of one page share the read of its stamps (<see cref="ListedStampReads"/>, issue 12, list11) — but
/// only a read that started after they came. Here a read of the page's stamps is held open after it read, a procedure of
/// the page is cancelled, and eight requests come while it is held: had they been given the held read, its stamps would
/// match the kept page and they would be served the page from before the cancellation.
/// </summary>
public abstract class ProcedureListJoinedReads(ParapheApp app)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RequestsThatComeWhileAReadIsHeldAnswerWhatWasCommittedBeforeThem()
    {
        var (agency, api) = await app.CreateAgencyAsync($"Agence Tour {Guid.NewGuid():N}"[..24]);
        var cancelled = (await api.LaunchedAsync("remote", signers: 1)).Procedure.Str("id");
        var untouched = (await api.LaunchedAsync("remote", signers: 1)).Procedure.Str("id");
        foreach (var id in new[] { cancelled, untouched }) await api.WaitForInvitationsSentAsync(id);
        const string page = "/api/v1/procedures";
        await UntilAsync(async () => Status(await ListAsync(api, page), cancelled) == "ongoing", "the page listed with both ongoing");
        await ListAsync(api, page); // kept whole now

        // A turn of the same page's stamps (the key a plain `GET /procedures` has), held open once it has read.
        var stamps = app.Services.GetRequiredService<ListedStampReads>();
        var read = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var db = app.AgencyDb(agency);
        var held = stamps.Reads.ReadAsync(new ListedStampReads.Key(agency, null, null, null, 1, 50), async token =>
        {
            var before = await ListedStamps.PageAsync(db, ListProcedures.Query(db, null, null), true, 1, 50, token);
            read.SetResult();
            await release.Task;
            return before;
        }, CancellationToken.None);
        await read.Task.WaitAsync(Bound);

        using (var r = await api.Http.PostAsJsonAsync($"/api/v1/procedures/{cancelled}/cancel", new { reason = "Erreur sur le prix" }))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var requests = Enumerable.Range(0, 8).Select(_ => ListAsync(api, page)).ToList();
        await UntilAsync(() => Task.FromResult(stamps.Reads.Waiting == 8), "eight requests waiting while the read is held");
        release.SetResult();

        var (stale, joined) = await held;
        Assert.False(joined);
        var now = await ListedStamps.ForAsync(db, [cancelled], CancellationToken.None);
        Assert.NotEqual(now[cancelled], Assert.Single(stale.Items, s => s.Id == cancelled).Stamp); // the held read was from before
        foreach (var answer in await Task.WhenAll(requests))
        {
            Assert.Equal("cancelled", Status(answer, cancelled));
            Assert.Equal("ongoing", Status(answer, untouched));
        }
        Assert.Equal(0, stamps.Reads.Keys);
    }

    [Fact]
    public async Task AnotherAgencysRequestOfTheSamePageNeitherWaitsNorShares()
    {
        var (agency, api) = await app.CreateAgencyAsync($"Agence Une {Guid.NewGuid():N}"[..24]);
        var (_, other) = await app.CreateAgencyAsync($"Agence Deux {Guid.NewGuid():N}"[..24]);
        var mine = (await api.DraftAsync("remote", signers: 1)).Procedure.Str("id");
        var theirs = (await other.DraftAsync("remote", signers: 1)).Procedure.Str("id");
        var stamps = app.Services.GetRequiredService<ListedStampReads>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = stamps.Reads.ReadAsync(new ListedStampReads.Key(agency, null, null, null, 1, 50), async token =>
        {
            await release.Task.WaitAsync(token);
            throw new InvalidOperationException("never given to another agency");
        }, CancellationToken.None);

        // The same page of another agency while the first agency's read is held: answered at once, with its own items.
        var page = await ListAsync(other, "/api/v1/procedures").WaitAsync(Bound);
        Assert.Equal(theirs, Assert.Single(page.GetProperty("items").EnumerateArray()).Str("id"));
        Assert.Equal(0, stamps.Reads.Waiting);

        release.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => held);
        Assert.Equal(mine, Assert.Single((await ListAsync(api, "/api/v1/procedures")).GetProperty("items").EnumerateArray()).Str("id"));
    }

    [Fact]
    public async Task ManyConcurrentRequestsOfOnePageAnswerTheSamePageAsOneAlone()
    {
        var (_, api) = await app.CreateAgencyAsync($"Agence Foule {Guid.NewGuid():N}"[..24]);
        for (var i = 0; i < 3; i++) await api.WaitForInvitationsSentAsync((await api.LaunchedAsync("remote", signers: 2)).Procedure.Str("id"));
        foreach (var path in new[] { "/api/v1/procedures", "/api/v1/procedures?page_size=2", "/api/v1/procedures?status=ongoing&page=2&page_size=2" })
        {
            var alone = (await ListAsync(api, path)).GetRawText();
            var together = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => ListAsync(api, path)));
            Assert.All(together, page => Assert.Equal(alone, page.GetRawText()));
        }
    }

    private static async Task<JsonElement> ListAsync(Api api, string path) => await Expect.JsonAsync(await api.Http.GetAsync(path), HttpStatusCode.OK);

    private static string? Status(JsonElement page, string id) =>
        page.GetProperty("items").EnumerateArray().Single(p => p.Str("id") == id).Str("status");

    private static async Task UntilAsync(Func<Task<bool>> done, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await done())
        {
            if (watch.Elapsed > Bound) throw new Xunit.Sdk.XunitException($"not in time: {what}");
            await Task.Delay(20);
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ProcedureListJoinedReadsOnSqlite(SqliteApp app) : ProcedureListJoinedReads(app);

[Collection(PostgresCollection.Name)]
public sealed class ProcedureListJoinedReadsOnPostgres(PostgresApp app) : ProcedureListJoinedReads(app);
