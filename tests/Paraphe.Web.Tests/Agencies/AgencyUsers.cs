using System.Net;
using Microsoft.EntityFrameworkCore;
using Paraphe.Testing;
using Paraphe.Web.Tests.Abuse;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Agencies;

/// <summary>The agency's users: invitation → set password → login, roles (agents kept out), the last director, deactivation, signing authority.</summary>
public abstract class AgencyUsers(ParapheApp app)
{
    [Fact]
    public async Task AnInvitedUserChoosesAPasswordOnceFromTheEmailedLinkAndLogsIn()
    {
        var agency = await TestAgency.CreateAsync(app);
        var user = await agency.InviteAsync("agent", authority: true);
        Assert.Equal(("agent", "invited", true), (user.Str("role"), user.Str("status"), user.GetProperty("signing_authority").GetBoolean()));

        // The invitation is an ordinary tracked message of the outbox, with the agency's signature.
        var message = (await agency.Api.WaitForOutboxAsync(user.Str("email")))[0];
        Assert.Contains("Choisir mon mot de passe", message.Str("body"), StringComparison.Ordinal);
        var path = await agency.LinkPathAsync(user.Str("email"));
        Assert.Matches("^/mot-de-passe/[A-Za-z0-9_-]{43}$", path);
        var token = path["/mot-de-passe/".Length..];
        Assert.False(await app.DbAsync(db => db.AccountTokens.AnyAsync(t => t.Hash == token)), "The token itself is never stored.");

        var browser = new AgentBrowser(app, "203.0.113.50");
        Assert.False((await browser.LogInAsync(user.Str("email"), TestAgency.NewPassword)).StatusCode == HttpStatusCode.Redirect,
            "No login before a password is chosen.");
        var page = await (await browser.GetAsync(path)).Content.ReadAsStringAsync();
        Assert.Contains(user.Str("email"), page, StringComparison.Ordinal);
        var short_ = await TestAgency.SetPasswordAsync(browser, path, "court");
        Assert.Equal(HttpStatusCode.OK, short_.StatusCode);
        Assert.Contains("au moins 12 caractères", await short_.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var set = await TestAgency.SetPasswordAsync(browser, path);
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.LogInAsync(user.Str("email"), TestAgency.NewPassword)).StatusCode);
        Assert.True(await browser.IsSignedInAsync());

        // Once only.
        var again = await new AgentBrowser(app, "203.0.113.51").GetAsync(path);
        Assert.Contains("Ce lien ne fonctionne plus", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Posted anyway (the form of a page opened before the link was used): refused.
        var reuse = await browser.PostFormAsync("/procedures", path,
            new() { ["Password"] = "un autre mot de passe long", ["Confirm"] = "un autre mot de passe long" });
        Assert.NotEqual(HttpStatusCode.Redirect, reuse.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await new AgentBrowser(app, "203.0.113.52").LogInAsync(user.Str("email"), TestAgency.NewPassword)).StatusCode);
        Assert.Equal("active", (await Expect.JsonAsync(await agency.Api.GetAsync($"/api/v1/users/{user.Str("id")}"), HttpStatusCode.OK)).Str("status"));

        var kinds = (await agency.EventsAsync()).Select(e => e.Str("kind")).ToList();
        Assert.Contains("user.invited", kinds);
        Assert.Contains("password.set", kinds);
    }

    [Fact]
    public async Task AnAgentSeesNoSettingsAndIsRefusedThemInFrench()
    {
        var agency = await TestAgency.CreateAsync(app);
        var (_, agent) = await agency.SignedInUserAsync(app, "agent", ip: "203.0.113.53");
        var home = await (await agent.GetAsync("/procedures")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("nav-settings", home, StringComparison.Ordinal);
        foreach (var path in new[] { "/parametres", "/parametres/utilisateurs", "/parametres/cles-api", "/parametres/journal" })
        {
            var response = await agent.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("Accès refusé", System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        // A form posted anyway changes nothing.
        var post = await agent.PostFormAsync("/procedures", "/parametres", new() { ["Name"] = "Agence Pirate", ["SmsSender"] = "Pirate" });
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.NotEqual("Agence Pirate", (await Expect.JsonAsync(await agency.Api.GetAsync("/api/v1/agency"), HttpStatusCode.OK)).Str("name"));
        // The API takes keys only: an agent's session is not a key.
        Assert.Equal(HttpStatusCode.Unauthorized, (await agent.GetAsync("/api/v1/users")).StatusCode);

        var director = await agency.DirectorBrowserAsync(app, "203.0.113.54");
        Assert.Contains("nav-settings", await (await director.GetAsync("/procedures")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await director.GetAsync("/parametres/utilisateurs")).StatusCode);
    }

    [Fact]
    public async Task ADemotedDirectorLosesTheSettingsAtOnce()
    {
        var agency = await TestAgency.CreateAsync(app);
        var (user, browser) = await agency.SignedInUserAsync(app, "director", ip: "203.0.113.55");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/parametres")).StatusCode);
        await Expect.JsonAsync(await agency.Api.PatchAsync($"/api/v1/users/{user.Str("id")}", new { role = "agent" }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/parametres")).StatusCode);
    }

    [Fact]
    public async Task TheLastActiveDirectorCanBeNeitherDemotedNorDeactivated()
    {
        var agency = await TestAgency.CreateAsync(app);
        var path = $"/api/v1/users/{agency.DirectorId}";
        await Expect.ProblemAsync(await agency.Api.PatchAsync(path, new { role = "agent" }), HttpStatusCode.Conflict, "last_director");
        await Expect.ProblemAsync(await agency.Api.PostAsync($"{path}/deactivate"), HttpStatusCode.Conflict, "last_director");
        // Renaming is fine; the role is unchanged.
        var renamed = await Expect.JsonAsync(await agency.Api.PatchAsync(path, new { first_name = "Claire-Marie" }), HttpStatusCode.OK);
        Assert.Equal(("Claire-Marie", "director"), (renamed.Str("first_name"), renamed.Str("role")));

        // An invited director who never logged in counts once active; then the first may step down.
        var second = await agency.InviteAsync("director");
        var demoted = await Expect.JsonAsync(await agency.Api.PatchAsync(path, new { role = "agent" }), HttpStatusCode.OK);
        Assert.Equal(("agent", "Négociateur"), (demoted.Str("role"), demoted.Str("position")));
        await Expect.ProblemAsync(await agency.Api.PostAsync($"/api/v1/users/{second.Str("id")}/deactivate"), HttpStatusCode.Conflict, "last_director");
        await Expect.ProblemAsync(await agency.Api.PatchAsync(path, new { role = "chef" }), HttpStatusCode.UnprocessableEntity, "validation_failed");
    }

    [Fact]
    public async Task DeactivationEndsTheUsersSessionsAtOnceAndRefusesTheirLogin()
    {
        var agency = await TestAgency.CreateAsync(app);
        var (user, browser) = await agency.SignedInUserAsync(app, "agent", ip: "203.0.113.56");
        var thief = browser.CopyTo(new AgentBrowser(app, "198.51.100.56"));
        Assert.True(await thief.IsSignedInAsync());

        var deactivated = await Expect.JsonAsync(await agency.Api.PostAsync($"/api/v1/users/{user.Str("id")}/deactivate"), HttpStatusCode.OK);
        Assert.Equal("deactivated", deactivated.Str("status"));
        Assert.False(await browser.IsSignedInAsync());
        Assert.False(await thief.IsSignedInAsync());
        var login = await new AgentBrowser(app, "203.0.113.57").LogInAsync(user.Str("email"), TestAgency.NewPassword);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("Email ou mot de passe incorrect", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await app.DbAsync(db => db.AgentSessions.CountAsync(s => s.UserId == user.Str("id") && s.RevokedAt == null)));
        Assert.Contains(await agency.EventsAsync(), e => e.Str("kind") == "user.deactivated" && e.Str("actor").StartsWith("api_key:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AUserWithoutSigningAuthorityIsRefusedAsTheAgencysSignerWithTheReason()
    {
        var agency = await TestAgency.CreateAsync(app);
        var user = await agency.InviteAsync("agent", authority: false);
        var document = await agency.Api.UploadPdfAsync();
        var refused = await Expect.ProblemAsync(await agency.Api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", signers = new[] { new { user_id = user.Str("id"), role = "mandataire" } },
        }), HttpStatusCode.UnprocessableEntity, "no_signing_authority");
        Assert.Contains("loi Hoguet", refused.Str("detail"), StringComparison.Ordinal);

        // Granted: the draft takes them; withdrawn before launch: the launch is refused.
        await Expect.JsonAsync(await agency.Api.PatchAsync($"/api/v1/users/{user.Str("id")}", new { signing_authority = true }), HttpStatusCode.OK);
        var contact = await agency.Api.CreateContactAsync();
        var draft = await Expect.JsonAsync(await agency.Api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote",
            signers = new object[] { new { contact_id = contact.Str("id"), role = "vendeur" }, new { user_id = user.Str("id"), role = "mandataire" } },
        }), HttpStatusCode.Created);
        await Expect.JsonAsync(await agency.Api.PatchAsync($"/api/v1/users/{user.Str("id")}", new { signing_authority = false }), HttpStatusCode.OK);
        await Expect.ProblemAsync(await agency.Api.PostAsync($"/api/v1/procedures/{draft.Str("id")}/launch"), HttpStatusCode.UnprocessableEntity,
            "no_signing_authority");
        var journal = await agency.EventsAsync();
        Assert.Contains(journal, e => e.Str("kind") == "user.updated" && e.Str("detail").Contains("habilité à signer : non → oui", StringComparison.Ordinal));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class AgencyUsersOnSqlite(SqliteApp app) : AgencyUsers(app);

[Collection(PostgresCollection.Name)]
public sealed class AgencyUsersOnPostgres(PostgresApp app) : AgencyUsers(app);
