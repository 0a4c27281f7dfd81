using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Data.Configurations;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Notifications.Callbacks;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Tests.Abuse;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// The list keeps built items (<see cref="ListedItemCache"/>, issue 12) and serves them again only while the database
/// says nothing they are built from changed and their diagnosis still holds. Here each kind of writer changes a
/// procedure from a <b>second instance</b> on the same database (nothing reaches the first instance's memory), after the
/// first instance listed it: the first instance's next list answers, item for item, the bytes `GET /procedures/{id}`
/// builds now — and not the item it kept. The same once the time passes the diagnosis' validity, and never another
/// agency's item.
/// </summary>
public abstract class ProcedureListCache(ParapheApp app)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Writers => new()
    {
        "dispatcher outcome", "delivery callback", "sign", "decline", "remind", "cancel", "relaunch", "expiry",
    };

    [Theory]
    [MemberData(nameof(Writers))]
    public async Task AnItemWrittenByAnotherInstanceIsListedAsItIsNow(string writer)
    {
        var (_, api) = await app.CreateAgencyAsync($"Agence Cache {Guid.NewGuid():N}"[..24]);
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 2);
        var id = procedure.Str("id");
        if (writer != "dispatcher outcome")
        {
            await api.WaitForInvitationsSentAsync(id);
        }
        if (writer == "relaunch")
            await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/cancel", new { reason = "Erreur sur le prix" }), HttpStatusCode.OK);
        var before = await ListedAsync(api, id);
        if (writer != "dispatcher outcome")
        {
            // Once the messages the test's own steps queued (the cancellation's notices) are out, nothing else writes.
            var watch = Stopwatch.StartNew();
            while (OnTheirWay(before))
            {
                if (watch.Elapsed > Bound) throw new Xunit.Sdk.XunitException($"messages still on their way:\n{before}");
                await Task.Delay(50);
                before = await ListedAsync(api, id);
            }
            Assert.Equal(before, await ListedAsync(api, id)); // kept, and the same
        }

        await using var second = new SecondInstance(app);
        using var other = second.CreateClient();
        other.DefaultRequestHeaders.Authorization = api.Http.DefaultRequestHeaders.Authorization;
        switch (writer)
        {
            case "dispatcher outcome":
                if (!OnTheirWay(before)) return; // the outcomes were recorded before the first list
                await api.WaitForInvitationsSentAsync(id);
                break;
            case "delivery callback":
                var sms = await app.DbAsync(db => db.Notifications.IgnoreQueryFilters().AsNoTracking()
                    .FirstAsync(n => n.ProcedureId == id && n.Channel == Channel.Sms && n.Status == DeliveryStatus.Sent));
                await using (var scope = second.Services.CreateAsyncScope())
                    Assert.Equal(ReportOutcome.Recorded, await DeliveryReports.RecordAsync(scope.ServiceProvider.GetRequiredService<ParapheDbContext>(),
                        new MessageRef(sms.Provider!, sms.Id, null, Channel.Sms),
                        new DeliveryReport(DeliveryStatus.Delivered, app.Clock.GetUtcNow().UtcDateTime, "delivered", Provider: sms.Provider), CancellationToken.None));
                break;
            case "sign":
                Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync($"/api/v1/signing/{await api.SigningTokenAsync(contacts[0].Str("email"))}/sign",
                    new { consent = true, typed_name = contacts[0].Str("last_name") })).StatusCode);
                break;
            case "decline":
                Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync($"/api/v1/signing/{await api.SigningTokenAsync(contacts[0].Str("email"))}/decline",
                    new { reason = "Le prix a changé" })).StatusCode);
                break;
            case "remind":
                Assert.Equal(HttpStatusCode.Accepted, (await other.PostAsync(
                    $"/api/v1/procedures/{id}/signers/{procedure.Signers()[0].Str("id")}/remind", null)).StatusCode);
                break;
            case "cancel":
                Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync($"/api/v1/procedures/{id}/cancel", new { reason = "Erreur sur le prix" })).StatusCode);
                break;
            case "relaunch":
                Assert.Equal(HttpStatusCode.Created, (await other.PostAsJsonAsync($"/api/v1/procedures/{id}/relaunch", new { launch = false })).StatusCode);
                break;
            case "expiry":
                app.Clock.Advance(TimeSpan.FromDays(procedure.GetProperty("expires_in_days").GetInt32()) + TimeSpan.FromMinutes(1));
                // The first instance's own sweep may run first: either way, not a write the first one's list was told of.
                await second.Services.GetRequiredService<ExpirySweep>().SweepAsync(CancellationToken.None);
                break;
        }

        var after = await ListedAsync(api, id);
        Assert.NotEqual(before, after);
        if (writer == "expiry") Assert.Contains("\"status\":\"expired\"", after, StringComparison.Ordinal);
    }

    /// <summary>
    /// Writers whose write the list learns of only through the stamps (seventh round: a kept page reads no entity): each,
    /// on a second instance, moves the stamp the first instance reads for the procedure (<see cref="ListedStamps"/>:
    /// <c>xmin</c> on PostgreSQL, <c>listed_versions</c>' triggers on SQLite). « signer row » and « sealing job row » are
    /// plain SQL updates: any writer, not only EF's.
    /// </summary>
    public static TheoryData<string> StampWriters => new()
    {
        "contact correction", "signer added", "attention", "correct and relaunch", "signer row", "sealing job row", "sign and seal",
    };

    [Theory]
    [MemberData(nameof(StampWriters))]
    public async Task EveryWriterOnAnotherInstanceMovesTheStampTheListReads(string writer)
    {
        var (agency, api) = await app.CreateAgencyAsync($"Agence Tampon {Guid.NewGuid():N}"[..24]);
        var draft = writer is "contact correction" or "signer added";
        var (procedure, contacts) = draft ? await api.DraftAsync("remote", signers: 1) : await api.LaunchedAsync("remote", signers: 1);
        var id = procedure.Str("id");
        if (!draft)
        {
            await api.WaitForInvitationsSentAsync(id);
        }
        if (writer == "attention") // the column written wrong, so that the tracker has something to write back
            await app.DbAsync(db => db.Procedures.IgnoreQueryFilters().Where(p => p.Id == id)
                .ExecuteUpdateAsync(x => x.SetProperty(p => EF.Property<bool>(p, ProcedureAttention.Column), true)));
        if (writer == "sealing job row")
        {
            Assert.Equal(HttpStatusCode.OK, (await api.Http.PostAsJsonAsync($"/api/v1/signing/{await api.SigningTokenAsync(contacts[0].Str("email"))}/sign",
                new { consent = true, typed_name = contacts[0].Str("last_name") })).StatusCode);
            await WaitAsync(async () => await app.DbAsync(db => db.SealingJobs.IgnoreQueryFilters().AnyAsync(j => j.ProcedureId == id && j.DoneAt != null)));
        }
        await ListedAsync(api, id);
        var before = await SteadyStampAsync(agency, id);

        await using var second = new SecondInstance(app);
        using var other = second.CreateClient();
        other.DefaultRequestHeaders.Authorization = api.Http.DefaultRequestHeaders.Authorization;
        switch (writer)
        {
            case "contact correction": // a draft's signers follow their contact
                Assert.Equal(HttpStatusCode.OK, (await other.PatchAsJsonAsync($"/api/v1/contacts/{contacts[0].Str("id")}",
                    new { email = Api.UniqueEmail("jeanne", "corrigee") })).StatusCode);
                break;
            case "signer added":
                var contact = await api.CreateContactAsync("Paul", "Ajout");
                Assert.Equal(HttpStatusCode.Created, (await other.PostAsJsonAsync($"/api/v1/procedures/{id}/signers",
                    new { contact_id = contact.Str("id"), role = "acquéreur" })).StatusCode);
                break;
            case "attention":
                await using (var scope = second.Services.CreateAsyncScope())
                    await scope.ServiceProvider.GetRequiredService<AttentionTracker>()
                        .RefreshAsync(scope.ServiceProvider.GetRequiredService<ParapheDbContext>(), id, CancellationToken.None);
                Assert.False(await app.DbAsync(db => db.Procedures.IgnoreQueryFilters().Where(p => p.Id == id)
                    .Select(p => EF.Property<bool>(p, ProcedureAttention.Column)).SingleAsync()));
                break;
            case "correct and relaunch":
                Assert.Equal(HttpStatusCode.Created, (await other.PostAsJsonAsync($"/api/v1/procedures/{id}/relaunch", new
                {
                    launch = false, signers = new[] { new { signer_id = procedure.Signers()[0].Str("id"), email = Api.UniqueEmail("jeanne", "relance") } },
                })).StatusCode);
                break;
            case "signer row":
                await using (var scope = second.Services.CreateAsyncScope())
                    await scope.ServiceProvider.GetRequiredService<ParapheDbContext>().Database
                        .ExecuteSqlAsync($"UPDATE signers SET \"LastName\" = \"LastName\" WHERE \"ProcedureId\" = {id}");
                break;
            case "sealing job row":
                await using (var scope = second.Services.CreateAsyncScope())
                    await scope.ServiceProvider.GetRequiredService<ParapheDbContext>().Database
                        .ExecuteSqlAsync($"UPDATE sealing_jobs SET \"Attempts\" = \"Attempts\" WHERE \"ProcedureId\" = {id}");
                break;
            case "sign and seal":
                Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync($"/api/v1/signing/{await api.SigningTokenAsync(contacts[0].Str("email"))}/sign",
                    new { consent = true, typed_name = contacts[0].Str("last_name") })).StatusCode);
                await WaitAsync(async () => await app.DbAsync(db => db.SealingJobs.IgnoreQueryFilters().AnyAsync(j => j.ProcedureId == id && j.DoneAt != null)));
                break;
        }

        Assert.NotEqual(before, await StampAsync(agency, id));
        await ListedAsync(api, id); // and the list answers the item as it is now
    }

    /// <summary>The procedure's stamp as the first instance reads it, once two reads a moment apart agree (the instances'
    /// own workers may still be writing).</summary>
    private async Task<string> SteadyStampAsync(string agency, string id)
    {
        var watch = Stopwatch.StartNew();
        var stamp = await StampAsync(agency, id);
        while (true)
        {
            await Task.Delay(300);
            var again = await StampAsync(agency, id);
            if (again == stamp) return stamp;
            if (watch.Elapsed > Bound) throw new Xunit.Sdk.XunitException($"the stamp still moves: {stamp} → {again}");
            stamp = again;
        }
    }

    private async Task<string> StampAsync(string agency, string id)
    {
        await using var db = app.AgencyDb(agency);
        return (await ListedStamps.ForAsync(db, [id], CancellationToken.None))[id];
    }

    private static async Task WaitAsync(Func<Task<bool>> done)
    {
        var watch = Stopwatch.StartNew();
        while (!await done())
        {
            if (watch.Elapsed > Bound) throw new Xunit.Sdk.XunitException("not done in time");
            await Task.Delay(50);
        }
    }

    /// <summary>A message of the item still queued or being sent (its outcome not recorded yet).</summary>
    private static bool OnTheirWay(string item) =>
        System.Text.Json.JsonDocument.Parse(item).RootElement.Signers().SelectMany(s => s.Arr("notifications"))
            .Any(n => n.Str("status") is "queued" or "sending");

    [Fact]
    public async Task AKeptItemIsBuiltAgainOnceTheTimeChangesItsDiagnosis()
    {
        var (_, api) = await app.CreateAgencyAsync($"Agence Horloge {Guid.NewGuid():N}"[..24]);
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 1);
        var id = procedure.Str("id");
        await api.WaitForInvitationsSentAsync(id);
        var before = await ListedAsync(api, id);
        Assert.Contains("est parti il y a", before, StringComparison.Ordinal); // « … il y a moins d'une minute »

        // Nothing is written: only the time moves, past what the findings said (« il y a 3 h »), then past the 24 h rule.
        app.Clock.Advance(TimeSpan.FromHours(3));
        var later = await ListedAsync(api, id);
        Assert.NotEqual(before, later);
        Assert.Contains("il y a 3 h", later, StringComparison.Ordinal);
        app.Clock.Advance(TimeSpan.FromHours(22));
        Assert.Contains("email_not_opened", await ListedAsync(api, id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAgencyNeverListsAnotherAgencysKeptItems()
    {
        var (_, first) = await app.CreateAgencyAsync($"Agence Une {Guid.NewGuid():N}"[..24]);
        var (_, other) = await app.CreateAgencyAsync($"Agence Deux {Guid.NewGuid():N}"[..24]);
        var mine = (await first.LaunchedAsync("remote", signers: 1)).Procedure.Str("id");
        await ListedAsync(first, mine);
        var theirs = (await other.LaunchedAsync("remote", signers: 1)).Procedure.Str("id");

        var page = await Expect.JsonAsync(await other.GetAsync("/api/v1/procedures?page_size=100"), HttpStatusCode.OK);

        Assert.Equal([theirs], page.Arr("items").Select(i => i.Str("id")));
        Assert.DoesNotContain(mine, page.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The procedure's item in the agency's list, once it is the bytes `GET /procedures/{id}` builds now (read between two
    /// lists, so that the instances' own workers — the dispatcher, the alerts — may finish what they are writing; an item
    /// kept past a write would never match).
    /// </summary>
    private static async Task<string> ListedAsync(Api api, string id)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var listed = await ItemAsync(api, id);
            var single = (await Expect.JsonAsync(await api.GetAsync($"/api/v1/procedures/{id}"), HttpStatusCode.OK)).GetRawText();
            if (listed == single && await ItemAsync(api, id) == single) return listed;
            if (watch.Elapsed > Bound)
                throw new Xunit.Sdk.XunitException($"The list still answers\n{listed}\nwhere the procedure is\n{single}");
            await Task.Delay(50);
        }
    }

    private static async Task<string> ItemAsync(Api api, string id) =>
        (await Expect.JsonAsync(await api.GetAsync("/api/v1/procedures?page_size=100"), HttpStatusCode.OK)).Arr("items")
        .Single(i => i.Str("id") == id).GetRawText();
}

[Collection(SqliteCollection.Name)]
public sealed class ProcedureListCacheOnSqlite(SqliteApp app) : ProcedureListCache(app);

[Collection(PostgresCollection.Name)]
public sealed class ProcedureListCacheOnPostgres(PostgresApp app) : ProcedureListCache(app);
