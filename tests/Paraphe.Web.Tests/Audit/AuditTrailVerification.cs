using System.Net;
using Microsoft.EntityFrameworkCore;
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
