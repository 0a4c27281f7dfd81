using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Tests.Abuse;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// The list keeps whole pages (<see cref="ListedPageCache"/>, issue 12, eighth round). Whatever it serves must be byte for
/// byte the page built fresh: here « fresh » is the body put together from `GET /procedures/{id}` of each item (built
/// every time, no cache) with the page, size and total. After a write on a <b>second instance</b> to one item of a kept
/// page, after the time passes what an item's diagnosis holds for, and for another page, size, filter, culture or
/// agency, the first instance's list answers that fresh page.
/// </summary>
public abstract class ProcedureListWholePage(ParapheApp app)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Writers => new() { "remind", "signer row", "cancel", "sign" };

    [Theory]
    [MemberData(nameof(Writers))]
    public async Task AKeptPageIsRebuiltOnceAnotherInstanceWritesOneOfItsItems(string writer)
    {
        var (_, api) = await app.CreateAgencyAsync($"Agence Page {Guid.NewGuid():N}"[..24]);
        var (written, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var (untouched, _) = await api.LaunchedAsync("remote", signers: 1);
        foreach (var id in new[] { written.Str("id"), untouched.Str("id") })
        {
            await api.WaitForInvitationsSentAsync(id);
        }
        const string page = "/api/v1/procedures?page=1&page_size=50";
        var before = await FreshAsync(api, page, total: 2);
        Assert.Equal(before, await BodyAsync(api, page)); // kept whole, and the same

        await using var second = new SecondInstance(app);
        using var other = second.CreateClient();
        other.DefaultRequestHeaders.Authorization = api.Http.DefaultRequestHeaders.Authorization;
        var id0 = written.Str("id");
        switch (writer)
        {
            case "remind":
                Assert.Equal(HttpStatusCode.Accepted, (await other.PostAsync($"/api/v1/procedures/{id0}/signers/{written.Signers()[0].Str("id")}/remind", null)).StatusCode);
                break;
            case "signer row": // a plain SQL write: any writer, not only EF's
                await using (var scope = second.Services.CreateAsyncScope())
                    await scope.ServiceProvider.GetRequiredService<ParapheDbContext>().Database
                        .ExecuteSqlAsync($"UPDATE signers SET \"LastName\" = 'Réécrit' WHERE \"ProcedureId\" = {id0}");
                break;
            case "cancel":
                Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync($"/api/v1/procedures/{id0}/cancel", new { reason = "Erreur sur le prix" })).StatusCode);
                break;
            case "sign":
                Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync($"/api/v1/signing/{await api.SigningTokenAsync(contacts[0].Str("email"))}/sign",
                    new { consent = true, typed_name = contacts[0].Str("last_name") })).StatusCode);
                break;
        }

        var after = await FreshAsync(api, page, total: 2);
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task AKeptPageIsRebuiltOnceTheTimePassesWhatAnItemsDiagnosisHoldsFor()
    {
        var (_, api) = await app.CreateAgencyAsync($"Agence Heure {Guid.NewGuid():N}"[..24]);
        var id = (await api.LaunchedAsync("remote", signers: 1)).Procedure.Str("id");
        await api.WaitForInvitationsSentAsync(id);
        const string page = "/api/v1/procedures";
        var before = await FreshAsync(api, page, total: 1);
        Assert.Equal(before, await BodyAsync(api, page));
        Assert.Contains("est parti il y a", before, StringComparison.Ordinal);

        // Nothing is written: only the time moves, past « il y a moins d'une minute ».
        app.Clock.Advance(TimeSpan.FromHours(3));
        var later = await FreshAsync(api, page, total: 1);
        Assert.NotEqual(before, later);
        Assert.Contains("il y a 3 h", later, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherPageSizeFilterCultureOrAgencyIsNeverAnsweredWithAnothersKeptPage()
    {
        var (_, api) = await app.CreateAgencyAsync($"Agence Clés {Guid.NewGuid():N}"[..24]);
        var (_, other) = await app.CreateAgencyAsync($"Agence Autre {Guid.NewGuid():N}"[..24]);
        var mine = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var id = (await api.LaunchedAsync("remote", signers: 1)).Procedure.Str("id");
            await api.WaitForInvitationsSentAsync(id);
            mine.Add(id);
        }
        await api.DraftAsync("remote", signers: 1);
        var theirs = (await other.DraftAsync("remote", signers: 1)).Procedure.Str("id");

        // Each request twice: built, then kept; each answers its own page.
        foreach (var (path, total) in new[]
                 {
                     ("/api/v1/procedures?page_size=50", 3), ("/api/v1/procedures?page_size=100", 3),
                     ("/api/v1/procedures?page=1&page_size=2", 3), ("/api/v1/procedures?page=2&page_size=2", 3),
                     ("/api/v1/procedures?status=ongoing", 2), ("/api/v1/procedures?status=draft", 1),
                 })
            for (var i = 0; i < 2; i++) await FreshAsync(api, path, total);
        foreach (var language in new[] { "en", "fr-FR", "en" })
            await FreshAsync(api, "/api/v1/procedures?page_size=50", 3, language);

        var theirPage = await FreshAsync(other, "/api/v1/procedures?page_size=50", 1);
        Assert.Contains(theirs, theirPage, StringComparison.Ordinal);
        Assert.All(mine, id => Assert.DoesNotContain(id, theirPage, StringComparison.Ordinal));
    }

    /// <summary>
    /// The list's body for <paramref name="path"/>, once it is the page built fresh (the instance's own workers may still
    /// be writing: read again until the two agree, within a bound; a kept page served past a write never agrees).
    /// </summary>
    private static async Task<string> FreshAsync(Api api, string path, int total, string? language = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var listed = await BodyAsync(api, path, language);
            var fresh = await BuiltAsync(api, path, listed, total, language);
            if (listed == fresh && await BodyAsync(api, path, language) == fresh) return listed;
            if (watch.Elapsed > Bound)
                throw new Xunit.Sdk.XunitException($"The list still answers\n{listed}\nwhere the page built fresh is\n{fresh}");
            await Task.Delay(50);
        }
    }

    /// <summary>The page as the list would build it with nothing kept: its items as `GET /procedures/{id}` builds them
    /// now, in the list's order, with the page and size the request asked for and the agency's total.</summary>
    private static async Task<string> BuiltAsync(Api api, string path, string listed, int total, string? language)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? path[at..] : "";
        var asked = QueryHelpers.ParseQuery(query).ToDictionary(x => x.Key, x => x.Value.ToString());
        var items = new List<string>();
        foreach (var item in JsonDocument.Parse(listed).RootElement.Arr("items"))
            items.Add(await BodyAsync(api, $"/api/v1/procedures/{item.Str("id")}", language));
        return $"{{\"items\":[{string.Join(',', items)}],\"page\":{asked.GetValueOrDefault("page", "1")}," +
               $"\"page_size\":{asked.GetValueOrDefault("page_size", "50")},\"total\":{total}}}";
    }

    private static async Task<string> BodyAsync(Api api, string path, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await api.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}

/// <summary><see cref="ListedPageCache"/> on its own: a kept body is found only for the same key (agency, culture, filters,
/// page, size), the same items and stamps in order, the same total, and within the time its items hold for — including
/// where the body would be the same bytes (the culture is not shown in any item today, but is in the key).</summary>
public sealed class ListedPageCacheKeys
{
    private static readonly DateTime Now = new(2026, 12, 7, 10, 0, 0, DateTimeKind.Utc);
    private static readonly ListedPageCache.Key Key = new("agc_a", "fr-FR", null, null, null, 1, 50);
    private static readonly ListedStamp[] Stamps = [new("prc_1", "7|0|0|0|2:x", false), new("prc_2", "3|0|0|0|0:", false)];

    private static ListedPageCache Kept()
    {
        var cache = new ListedPageCache();
        cache.Keep(Key, Stamps, 2, Now, Now.AddMinutes(10), new ListedBody([1, 2, 3]));
        return cache;
    }

    [Fact]
    public void TheSameKeyStampsTotalAndTimeFindTheBody()
    {
        using var cache = Kept();
        Assert.Equal([1, 2, 3], cache.Find(Key, [.. Stamps], 2, Now.AddMinutes(9))?.Raw);
    }

    public static TheoryData<string> Changes => new()
    {
        "agency", "culture", "status", "q", "needs_attention", "page", "page size", "a stamp", "the order", "an item less",
        "a signer locked out", "the total", "past the earliest holds-until", "before it was written",
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void AnythingElseFindsNothing(string change)
    {
        using var cache = Kept();
        var (key, stamps, total, now) = (Key, Stamps.ToList(), 2, Now.AddMinutes(1));
        switch (change)
        {
            case "agency": key = key with { AgencyId = "agc_b" }; break;
            case "culture": key = key with { Culture = "en" }; break;
            case "status": key = key with { Status = "ongoing" }; break;
            case "q": key = key with { Q = "dupont" }; break;
            case "needs_attention": key = key with { NeedsAttention = false }; break;
            case "page": key = key with { Page = 2 }; break;
            case "page size": key = key with { PageSize = 100 }; break;
            case "a stamp": stamps[1] = stamps[1] with { Stamp = "4|0|0|0|0:" }; break;
            case "the order": stamps.Reverse(); break;
            case "an item less": stamps.RemoveAt(1); break;
            case "a signer locked out": stamps[0] = stamps[0] with { Locked = true }; break;
            case "the total": total = 3; break;
            case "past the earliest holds-until": now = Now.AddMinutes(10); break;
            case "before it was written": now = Now.AddSeconds(-1); break;
        }
        Assert.Null(cache.Find(key, stamps, total, now));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ProcedureListWholePageOnSqlite(SqliteApp app) : ProcedureListWholePage(app);

[Collection(PostgresCollection.Name)]
public sealed class ProcedureListWholePageOnPostgres(PostgresApp app) : ProcedureListWholePage(app);
