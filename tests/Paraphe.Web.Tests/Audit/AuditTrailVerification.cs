using System.Net;
using Microsoft.EntityFrameworkCore;
using Paraphe.Domain.Audit;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Pages;
using Paraphe.Web.Tests.Abuse;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Audit;

public abstract class AuditTrailVerification(ParapheApp app)
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task AnUntouchedTrailIsValidAndEachEventChainsToThePrevious()
    {
        var (procedure, _) = await api.LaunchedAsync("remote");

        var audit = await api.AuditAsync(procedure.Str("id"));

        Assert.True(audit.GetProperty("valid").GetBoolean());
        Assert.True(audit.IsNull("broken_at"));
        var events = audit.Arr("events");
        Assert.Equal(new string('0', 64), events[0].Str("prev_hash"));
        for (var i = 1; i < events.Length; i++) Assert.Equal(events[i - 1].Str("hash"), events[i].Str("prev_hash"));
        // The agency's own actions are the API key's; the delivery of the messages they queued (the dispatcher runs
        // apart, so some may already be there) is the provider's.
        foreach (var e in events)
        {
            if (e.Str("type").StartsWith("notification.", StringComparison.Ordinal)) Assert.Equal("capture", e.Str("actor"));
            else Assert.StartsWith("api_key:", e.Str("actor"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EditingAnEventInTheDatabaseBreaksTheChainAtThatEvent()
    {
        var (procedure, _) = await api.LaunchedAsync("remote");
        var id = procedure.Str("id");
        var before = await api.AuditAsync(id);
        var target = before.Arr("events").First(e => e.Str("type") == "procedure.launched").GetProperty("seq").GetInt32();

        var changed = await app.DbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(e => e.ProcedureId == id && e.Seq == target)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Data, "{\"document_sha256\":\"0000\"}")));
        Assert.Equal(1, changed);

        var after = await api.AuditAsync(id);
        Assert.False(after.GetProperty("valid").GetBoolean());
        Assert.Equal(target, after.GetProperty("broken_at").GetInt32());
    }

    /// <summary>
    /// Old data: an event whose type this version's catalogue does not know (written by another version) keeps the chain
    /// valid, comes out of the API as stored, and is shown on the status page by its stored type rather than hidden.
    /// </summary>
    [Fact]
    public async Task AnEventOfAnotherVersionKeepsTheChainValidAndIsShownByItsStoredType()
    {
        var (draft, _) = await api.DraftAsync("in_person", signers: 1); // a draft: no delivery report can land after it
        var id = draft.Str("id");
        var last = await app.DbAsync(db => db.AuditEvents.IgnoreQueryFilters().Where(e => e.ProcedureId == id)
            .OrderByDescending(e => e.Seq).FirstAsync());
        const string type = "agency.renamed", actor = "system", data = """{"name":"Agence du Port"}""";
        var (seq, at) = (last.Seq + 1, last.At.AddSeconds(1));
        var hash = AuditEvent.HashOf(last.Hash, seq, at, type, actor, data);
        await app.DbAsync(db => db.Database.ExecuteSqlAsync($"""
            INSERT INTO audit_events ("AgencyId", "ProcedureId", "Seq", "At", "Type", "Actor", "Data", "PrevHash", "Hash")
            VALUES ({last.AgencyId}, {id}, {seq}, {at}, {type}, {actor}, {data}, {last.Hash}, {hash})
            """));

        var audit = await api.AuditAsync(id);
        Assert.True(audit.GetProperty("valid").GetBoolean(), audit.ToString());
        var stored = audit.Arr("events")[^1];
        Assert.Equal((type, "Agence du Port"), (stored.Str("type"), stored.GetProperty("data").Str("name")));

        var agent = new AgentBrowser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await agent.LogInAsync(DemoAgency.Email, DemoAgency.Password)).StatusCode);
        var page = await agent.GetAsync($"/procedures/{id}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains($"data-type=\"{type}\"", html, StringComparison.Ordinal);
        Assert.Contains(Labels.UnknownAuditType(type), html, StringComparison.Ordinal);
        Assert.Contains("Chaîne intègre", html, StringComparison.Ordinal);
        Assert.Contains("Procédure créée", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletingTheLastEventButOneBreaksTheChain()
    {
        var (procedure, _) = await api.LaunchedAsync("remote");
        var id = procedure.Str("id");
        var last = (await api.AuditAsync(id)).Arr("events")[^1].GetProperty("seq").GetInt32();

        await app.DbAsync(db => db.AuditEvents.IgnoreQueryFilters()
            .Where(e => e.ProcedureId == id && e.Seq == last - 1).ExecuteDeleteAsync());

        var after = await api.AuditAsync(id);
        Assert.False(after.GetProperty("valid").GetBoolean());
        Assert.Equal(last, after.GetProperty("broken_at").GetInt32());
    }
}

[Collection(SqliteCollection.Name)]
public sealed class AuditTrailVerificationOnSqlite(SqliteApp app) : AuditTrailVerification(app);

[Collection(PostgresCollection.Name)]
public sealed class AuditTrailVerificationOnPostgres(PostgresApp app) : AuditTrailVerification(app);
