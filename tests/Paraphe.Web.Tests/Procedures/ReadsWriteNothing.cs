using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Tests.Abuse;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// Issue 12: reads stay reads. A signing link opened again writes nothing (the first opening is recorded once); the
/// status page compares the hash the sealed document's row recorded at seal time instead of reading the stored file on
/// every render, and the audit route remains the verification on demand that reads it.
/// </summary>
public abstract class ReadsWriteNothing(ParapheApp app)
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task OpeningALinkAgainRecordsNothingMore()
    {
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 1);
        var id = procedure.Str("id");
        var token = app.Services.GetRequiredService<SigningLinks>().TokenFor(procedure.Signers()[0].Str("id"));
        // Openings only: the invitations' delivery reports extend the same trail meanwhile.
        Task<int> EventsAsync() => app.DbAsync(db => db.AuditEvents.IgnoreQueryFilters().CountAsync(e => e.ProcedureId == id && e.Type == "signer.link_opened"));

        Assert.Equal(0, await EventsAsync());
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync($"/api/v1/signing/{token}")).StatusCode);
        var opened = await app.DbAsync(db => db.Signers.IgnoreQueryFilters().Where(s => s.ProcedureId == id).Select(s => s.OpenedAt).SingleAsync());
        Assert.NotNull(opened);
        Assert.Equal(1, await EventsAsync());
        app.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync($"/api/v1/signing/{token}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync($"/sign/{token}")).StatusCode);
        Assert.Equal(1, await EventsAsync());
        Assert.Equal(opened, await app.DbAsync(db => db.Signers.IgnoreQueryFilters().Where(s => s.ProcedureId == id).Select(s => s.OpenedAt).SingleAsync()));
    }

    [Fact]
    public async Task TheStatusPageTrustsTheHashRecordedAtSealTimeAndTheAuditRouteReadsTheFile()
    {
        var (id, _) = await api.CompletedInPersonAsync();
        await api.WaitForSealedAsync(id);
        var agent = new AgentBrowser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await agent.LogInAsync(DemoAgency.Email, DemoAgency.Password)).StatusCode);
        async Task<string> ChainOnPageAsync()
        {
            using var page = await agent.GetAsync($"/procedures/{id}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            var at = html.IndexOf("data-testid=\"audit-chain\" data-valid=\"", StringComparison.Ordinal);
            Assert.True(at >= 0, "no audit chain on the status page");
            return html.Substring(at + "data-testid=\"audit-chain\" data-valid=\"".Length, 4);
        }
        Assert.Equal("true", await ChainOnPageAsync());

        // The stored object altered in place: the page does not read it (no 26 MB hash per render); /audit does.
        await app.DbAsync(async db =>
        {
            var stored = await db.SealedDocuments.IgnoreQueryFilters().FirstAsync(d => d.ProcedureId == id);
            var bytes = await app.Files.ReadAllAsync(stored, default);
            bytes[bytes.Length / 2] ^= 0x01;
            await app.Files.PutAsync(stored.StorageKey!, bytes, default);
        });
        Assert.Equal("true", await ChainOnPageAsync());
        Assert.False((await api.AuditAsync(id)).GetProperty("sealed_document").GetProperty("valid").GetBoolean());

        // A row whose recorded hash is not the one the trail sealed breaks the chain on the page as well.
        await app.DbAsync(db => db.SealedDocuments.IgnoreQueryFilters().Where(d => d.ProcedureId == id)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.Sha256, new string('0', 64))));
        Assert.Equal("fals", await ChainOnPageAsync());
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ReadsWriteNothingOnSqlite(SqliteApp app) : ReadsWriteNothing(app);

[Collection(PostgresCollection.Name)]
public sealed class ReadsWriteNothingOnPostgres(PostgresApp app) : ReadsWriteNothing(app);
