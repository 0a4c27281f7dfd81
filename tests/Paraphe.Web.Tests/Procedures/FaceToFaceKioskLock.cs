using System.Net;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data.Records;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Tests.Abuse;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// Face to face locks the agent's session to the kiosk page (kept on the session row, on both databases): every other
/// agent page answers a redirect to it until the agent's password unlocks it; too many wrong passwords end the session.
/// </summary>
public abstract class FaceToFaceKioskLock(ParapheApp app)
{
    private const string Password = "mot-de-passe-kiosque-42";

    private async Task<(AgentBrowser Agent, Api Api, string Procedure, string Document)> KioskAsync()
    {
        var email = $"kiosque.{Guid.NewGuid():N}@agence-test.fr";
        var created = await app.DbAsync(db => CreateAgency.HandleAsync(db, "Agence Kiosque", email, Password, null, CancellationToken.None));
        var api = new Api(app, created.ApiKey);
        var agent = new AgentBrowser(app, "203.0.113.90");
        using (var login = await agent.LogInAsync(email, Password)) Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var (procedure, _) = await api.LaunchedAsync("in_person", signers: 1);
        return (agent, api, procedure.Str("id"), procedure.Str("document_id"));
    }

    private static string? Location(HttpResponseMessage r) => r.Headers.Location?.OriginalString;

    [Fact]
    public async Task OpeningFaceToFaceLocksTheSessionUntilTheAgentsPasswordUnlocksIt()
    {
        var (agent, _, procedure, document) = await KioskAsync();
        var kiosk = $"/procedures/{procedure}/face-a-face";

        using (var open = await agent.GetAsync(kiosk))
        {
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
            var html = await open.Content.ReadAsStringAsync();
            Assert.Contains("data-testid=\"kiosk\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("data-testid=\"nav\"", html, StringComparison.Ordinal);
        }
        foreach (var elsewhere in new[] { "/procedures", "/contacts", $"/procedures/{procedure}", "/documents", "/procedures/new" })
        {
            using var r = await agent.GetAsync(elsewhere);
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.Equal(kiosk, Location(r));
        }
        using (var file = await agent.GetAsync($"/documents/{document}/file")) Assert.Equal(HttpStatusCode.OK, file.StatusCode);

        using (var wrong = await agent.PostFormAsync(kiosk, kiosk + "?handler=Unlock", new() { ["UnlockPassword"] = "pas-le-bon" }))
        {
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("Mot de passe incorrect. Encore 4 essais", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var stillLocked = await agent.GetAsync("/procedures")) Assert.Equal(kiosk, Location(stillLocked));

        using (var unlock = await agent.PostFormAsync(kiosk, kiosk + "?handler=Unlock", new() { ["UnlockPassword"] = Password }))
        {
            Assert.Equal(HttpStatusCode.Redirect, unlock.StatusCode);
            Assert.Equal($"/procedures/{procedure}", Location(unlock));
        }
        Assert.True(await agent.IsSignedInAsync());

        var kinds = await app.DbAsync(db => db.SecurityEvents.IgnoreQueryFilters()
            .Where(e => e.Kind.StartsWith("kiosk.") && e.Detail != null).OrderBy(e => e.Id).Select(e => new { e.Kind, e.Detail }).ToListAsync());
        Assert.Contains(kinds, k => k.Kind == SecurityEventKinds.KioskLocked && k.Detail == procedure);
        Assert.Contains(kinds, k => k.Kind == SecurityEventKinds.KioskUnlockFailed && k.Detail == "4");
        Assert.Contains(kinds, k => k.Kind == SecurityEventKinds.KioskUnlocked && k.Detail == procedure);
    }

    [Fact]
    public async Task FiveWrongPasswordsEndTheSession()
    {
        var (agent, _, procedure, _) = await KioskAsync();
        var kiosk = $"/procedures/{procedure}/face-a-face";
        using (var _ = await agent.GetAsync(kiosk)) { }

        for (var i = 0; i < 4; i++)
        {
            using var wrong = await agent.PostFormAsync(kiosk, kiosk + "?handler=Unlock", new() { ["UnlockPassword"] = "essai-" + i });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }
        using (var last = await agent.PostFormAsync(kiosk, kiosk + "?handler=Unlock", new() { ["UnlockPassword"] = "essai-5" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, last.StatusCode);
            Assert.Equal("/login", Location(last));
        }
        Assert.False(await agent.IsSignedInAsync());
    }

    [Fact]
    public async Task RefusingOnTheSigningPageIsRecordedOnlyOnceConfirmed()
    {
        var (_, api, _, _) = await KioskAsync();
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        var signer = new AgentBrowser(app, "203.0.113.91");
        var page = $"/sign/{token}";

        using (var ask = await signer.PostFormAsync(page, page + "?handler=Decline", new() { ["DeclineReason"] = "Je ne suis plus d'accord." }))
        {
            Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
            var html = await ask.Content.ReadAsStringAsync();
            Assert.Contains("Confirmez-vous votre refus ?", html, StringComparison.Ordinal);
            Assert.Contains("Je ne suis plus d", html, StringComparison.Ordinal); // the reason is kept for the second step
        }
        Assert.Equal("ongoing", (await api.ProcedureAsync(procedure.Str("id"))).Str("status"));

        using (var confirm = await signer.PostFormAsync(page, page + "?handler=Decline",
                   new() { ["DeclineReason"] = "Je ne suis plus d'accord.", ["ConfirmDecline"] = "true" }))
            Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Equal("declined", (await api.ProcedureAsync(procedure.Str("id"))).Str("status"));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class FaceToFaceKioskLockOnSqlite(SqliteApp app) : FaceToFaceKioskLock(app);

[Collection(PostgresCollection.Name)]
public sealed class FaceToFaceKioskLockOnPostgres(PostgresApp app) : FaceToFaceKioskLock(app);
