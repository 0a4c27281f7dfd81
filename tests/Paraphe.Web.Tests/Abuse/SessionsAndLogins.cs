using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 5: `/api` takes API keys only (never the agent's cookie); logins are throttled per account and per
/// address and journalled; a logout or a password change ends the session everywhere (every copy of the cookie, every
/// instance); sessions hold across instances; the data directory and its secrets are Paraphe's user's only.
/// </summary>
public abstract partial class SessionsAndLogins(ParapheApp app)
{
    private const string Password = "mot-de-passe-solide-42";
    private static int nextAddress;

    /// <summary>A client address no other test uses (the per-address throttle counts by it).</summary>
    private static string NewAddress()
    {
        var n = Interlocked.Increment(ref nextAddress) + Random.Shared.Next(0, 50_000);
        return $"198.{18 + n % 2}.{n / 256 % 256}.{n % 256}";
    }

    private async Task<(string Email, string AgencyId, string UserId)> NewAgentAsync()
    {
        var (email, agencyId, userId, _) = await NewAgencyAsync();
        return (email, agencyId, userId);
    }

    private async Task<(string Email, string AgencyId, string UserId, Api Api)> NewAgencyAsync()
    {
        var email = $"agent.{Guid.NewGuid():N}@agence-test.fr";
        var created = await app.DbAsync(db => CreateAgency.HandleAsync(db, "Agence Sessions", email, Password, null, CancellationToken.None));
        return (email, created.Agency.Id, created.Director.Id, new Api(app, created.ApiKey));
    }

    private async Task<AgentBrowser> SignedInAsync(string email, string? ip = null)
    {
        var browser = new AgentBrowser(app, ip ?? NewAddress());
        using var response = await browser.LogInAsync(email, Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.NotNull(browser.SessionCookie);
        Assert.True(await browser.IsSignedInAsync(), "The new session should open the agent's pages.");
        return browser;
    }

    private Task<List<SecurityEvent>> EventsAsync(Func<SecurityEvent, bool> which) => app.DbAsync(async db =>
        (await db.SecurityEvents.AsNoTracking().ToListAsync()).Where(which).OrderBy(e => e.Id).ToList());

    private static async Task<string> TextAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    // ---- /api takes API keys only ----

    [Fact]
    public async Task TheAgentsCookieOpensNoApiRouteToReadOrToChange()
    {
        var (email, _, _) = await NewAgentAsync();
        var browser = await SignedInAsync(email);
        var api = app.Api();
        var (procedure, _) = await api.DraftAsync("remote", signers: 1);
        var id = procedure.Str("id");

        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Get, "/api/v1/procedures"), (HttpMethod.Get, "/api/v1/contacts"),
                     (HttpMethod.Get, $"/api/v1/procedures/{id}"), (HttpMethod.Post, $"/api/v1/procedures/{id}/launch"),
                     (HttpMethod.Post, $"/api/v1/procedures/{id}/mark-signed"), (HttpMethod.Post, "/api/v1/contacts"),
                     (HttpMethod.Patch, $"/api/v1/procedures/{id}"), (HttpMethod.Post, $"/api/v1/procedures/{id}/cancel"),
                     (HttpMethod.Delete, $"/api/v1/procedures/{id}/signers/{procedure.Signers()[0].Str("id")}"),
                 })
        {
            // As a same-site page would send it: the cookie, a same-site Origin, a JSON body.
            var request = new HttpRequestMessage(method, path)
            {
                Content = method == HttpMethod.Get ? null : JsonContent.Create(new { first_name = "Eve", last_name = "Forge", email = "eve@gmail.com" }),
            };
            request.Headers.Add("Origin", "https://paraphe.test");
            request.Headers.Add("Sec-Fetch-Site", "same-site");
            using var response = await browser.SendAsync(request.Method, path, request.Content);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized,
                $"{method} {path} with the agent's cookie → {(int)response.StatusCode}: {await TextAsync(response)}");
        }
        Assert.Equal("draft", (await api.ProcedureAsync(id)).Str("status"));
        Assert.True(await browser.IsSignedInAsync(), "The cookie is refused on /api, not revoked.");
    }

    [Fact]
    public async Task AnApiKeyStillWorksAndTheSigningApiAndVerifyStayAnonymous()
    {
        var api = app.Api();
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/procedures")).StatusCode);
        // Anonymous routes answer on their merits (an unknown link, a missing file), never 401.
        using var signing = await app.Anonymous().GetAsync($"/api/v1/signing/{new string('a', 43)}");
        Assert.Equal(HttpStatusCode.NotFound, signing.StatusCode);
        using var verify = await app.Anonymous().PostAsync("/api/v1/verify", new MultipartFormDataContent());
        Assert.NotEqual(HttpStatusCode.Unauthorized, verify.StatusCode);
        Assert.True((int)verify.StatusCode < 500);
    }

    [Fact]
    public async Task TheAgentsPagesRefuseAForgedPostThatCarriesTheCookieButNoToken()
    {
        var (email, _, _, agencyApi) = await NewAgencyAsync();
        var browser = await SignedInAsync(email);
        var (procedure, _) = await agencyApi.DraftAsync("remote", signers: 1);
        var id = procedure.Str("id");
        foreach (var action in new[]
                 {
                     $"/procedures/{id}?handler=Launch", $"/procedures/{id}?handler=Cancel", $"/procedures/{id}?handler=MarkSigned",
                     $"/procedures/{id}?handler=Notary", "/procedures/new?handler=Launch", "/contacts/new", "/documents/upload", "/logout",
                 })
        {
            using var response = await browser.SendAsync(HttpMethod.Post, action, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["reason"] = "forgé", ["Email"] = "eve@gmail.com", ["FirstName"] = "Eve", ["LastName"] = "Forge",
            }));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"POST {action} without a token → {(int)response.StatusCode}");
        }
        Assert.Equal("draft", (await agencyApi.ProcedureAsync(id)).Str("status"));
        Assert.True(await browser.IsSignedInAsync());
    }

    [Fact]
    public void NoAgentPageOptsOutOfAntiforgery()
    {
        var optedOut = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(Microsoft.AspNetCore.Mvc.RazorPages.PageModel).IsAssignableFrom(t))
            .Where(t => t.GetCustomAttributes(typeof(Microsoft.AspNetCore.Mvc.IgnoreAntiforgeryTokenAttribute), inherit: true).Length > 0)
            .Select(t => t.Name).ToList();
        // Only the public « Vérifier un document » page, which changes nothing and needs no account.
        Assert.Equal(["VerifierModel"], optedOut);
    }

    // ---- Login throttle ----

    [Fact]
    public async Task AnAccountWaitsAfterFiveFailuresEvenWithTheRightPasswordThenLogsInAfterTheWindow()
    {
        var (email, agencyId, userId) = await NewAgentAsync();
        var ip = NewAddress();
        var browser = new AgentBrowser(app, ip);
        for (var i = 0; i < 5; i++)
        {
            using var failed = await browser.LogInAsync(email, "mauvais-mot-de-passe");
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
            Assert.Contains("Email ou mot de passe incorrect.", await TextAsync(failed), StringComparison.Ordinal);
        }
        using (var throttled = await browser.LogInAsync(email, Password))
        {
            Assert.Equal(HttpStatusCode.OK, throttled.StatusCode);
            var html = await TextAsync(throttled);
            Assert.Contains("Trop de tentatives de connexion", html, StringComparison.Ordinal);
            Assert.Contains("15 minutes", html, StringComparison.Ordinal);
        }
        Assert.Null(browser.SessionCookie);
        // From another address too: the account waits, not the address.
        using (var elsewhere = await new AgentBrowser(app, NewAddress()).LogInAsync(email, Password))
            Assert.Contains("Trop de tentatives de connexion", await TextAsync(elsewhere), StringComparison.Ordinal);

        var events = await EventsAsync(e => e.Email == email);
        Assert.Equal(5, events.Count(e => e.Kind == SecurityEventKinds.LoginFailed));
        // The refused attempts change nothing: the account's are journalled once a minute, whatever the address.
        Assert.Equal(1, events.Count(e => e.Kind == SecurityEventKinds.LoginThrottled));
        var first = events[0];
        Assert.Equal((agencyId, userId, ip, "AbuseTests/1.0"), (first.AgencyId, first.UserId, first.Ip, first.UserAgent));

        app.Clock.Advance(TimeSpan.FromMinutes(16));
        await SignedInAsync(email, ip);
        Assert.Single(await EventsAsync(e => e.Email == email && e.Kind == SecurityEventKinds.LoginSucceeded));
    }

    [Fact]
    public async Task TwentyParallelGuessesOnOneAccountGetNoMoreThanFiveTries()
    {
        var (email, _, _) = await NewAgentAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await new AgentBrowser(app, NewAddress()).LogInAsync(email, $"devine-{i}");
            return (response.StatusCode, Html: await TextAsync(response));
        }));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(5, answers.Count(a => a.Html.Contains("Email ou mot de passe incorrect.", StringComparison.Ordinal)));
        Assert.Equal(15, answers.Count(a => a.Html.Contains("Trop de tentatives de connexion", StringComparison.Ordinal)));
        var events = await EventsAsync(e => e.Email == email);
        Assert.Equal((5, 1), (events.Count(e => e.Kind == SecurityEventKinds.LoginFailed), events.Count(e => e.Kind == SecurityEventKinds.LoginThrottled)));
    }

    [Fact]
    public async Task AnUnknownAccountIsThrottledLikeAKnownOne()
    {
        var email = $"personne.{Guid.NewGuid():N}@agence-test.fr";
        var browser = new AgentBrowser(app, NewAddress());
        for (var i = 0; i < 5; i++)
            Assert.Contains("Email ou mot de passe incorrect.", await TextAsync(await browser.LogInAsync(email, "x")), StringComparison.Ordinal);
        Assert.Contains("Trop de tentatives de connexion", await TextAsync(await browser.LogInAsync(email, "x")), StringComparison.Ordinal);
        var events = await EventsAsync(e => e.Email == email);
        Assert.All(events, e => Assert.Null(e.UserId));
        Assert.Equal([.. Enumerable.Repeat(SecurityEventKinds.LoginFailed, 5), SecurityEventKinds.LoginThrottled], events.Select(e => e.Kind));
    }

    [Fact]
    public async Task AnAddressWaitsAfterTwentyFailuresOnAnyAccountsWhileOtherAddressesLogIn()
    {
        var ip = NewAddress();
        var attacker = new AgentBrowser(app, ip);
        for (var i = 0; i < 20; i++) // 20 different accounts: no account reaches its own limit
            await attacker.LogInAsync($"cible{i}.{Guid.NewGuid():N}@agence-test.fr", "devine");
        var (email, _, _) = await NewAgentAsync();

        using (var throttled = await attacker.LogInAsync(email, Password))
            Assert.Contains("Trop de tentatives de connexion", await TextAsync(throttled), StringComparison.Ordinal);
        Assert.Null(attacker.SessionCookie);
        await SignedInAsync(email, NewAddress());

        var fromAttacker = await EventsAsync(e => e.Ip == ip);
        Assert.Equal(20, fromAttacker.Count(e => e.Kind == SecurityEventKinds.LoginFailed));
        Assert.Equal(email, Assert.Single(fromAttacker, e => e.Kind == SecurityEventKinds.LoginThrottled).Email);
    }

    [Fact]
    public async Task ASuccessfulLoginStartsTheAccountsCountAgain()
    {
        var (email, _, _) = await NewAgentAsync();
        var browser = new AgentBrowser(app, NewAddress());
        for (var i = 0; i < 4; i++) await browser.LogInAsync(email, "faux");
        await SignedInAsync(email);
        for (var i = 0; i < 4; i++)
            Assert.Contains("Email ou mot de passe incorrect.", await TextAsync(await browser.LogInAsync(email, "faux")), StringComparison.Ordinal);
        await SignedInAsync(email);
    }

    [Fact]
    public async Task TheLoginFormAndTheLogoutRefuseAPostWithoutTheAntiforgeryToken()
    {
        var (email, _, _) = await NewAgentAsync();
        var browser = await SignedInAsync(email);
        using (var logout = await browser.PostFormAsync("/procedures", "/logout", [], withToken: false))
            Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
        Assert.True(await browser.IsSignedInAsync(), "A forged logout must not end the session.");
        using var login = await new AgentBrowser(app, NewAddress()).PostFormAsync("/login", "/login",
            new() { ["Email"] = email, ["Password"] = Password }, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
    }

    // ---- Logout and password change end sessions everywhere ----

    [Fact]
    public async Task LogoutKillsACopiedCookie()
    {
        var (email, agencyId, userId) = await NewAgentAsync();
        var browser = await SignedInAsync(email);
        var thief = browser.CopyTo(new AgentBrowser(app, NewAddress()));
        Assert.True(await thief.IsSignedInAsync(), "A copied cookie works while the session is open (the point of the test).");

        using (var logout = await browser.LogOutAsync())
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.False(await thief.IsSignedInAsync());
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.False(await thief.IsSignedInAsync());

        var sessions = await app.DbAsync(db => db.AgentSessions.AsNoTracking().Where(s => s.UserId == userId).ToListAsync());
        var session = Assert.Single(sessions);
        Assert.Equal("logout", session.RevokedReason);
        Assert.NotEqual(browser.SessionCookie, session.Id); // only a hash is stored
        var logoutEvent = Assert.Single(await EventsAsync(e => e.UserId == userId && e.Kind == SecurityEventKinds.Logout));
        Assert.Equal(agencyId, logoutEvent.AgencyId);
    }

    /// <summary>A logout that ends no session (anonymous, or an ended session's copied cookie) changes nothing: no journal row.</summary>
    [Fact]
    public async Task ALogoutThatEndsNoSessionIsNotJournalled()
    {
        var (strangerIp, thiefIp) = (NewAddress(), NewAddress());
        var stranger = new AgentBrowser(app, strangerIp);
        for (var i = 0; i < 3; i++)
            using (var logout = await stranger.PostFormAsync("/login", "/logout", []))
                Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        var (email, _, userId) = await NewAgentAsync();
        var browser = await SignedInAsync(email);
        var thief = browser.CopyTo(new AgentBrowser(app, thiefIp));
        using (var logout = await browser.LogOutAsync()) Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        for (var i = 0; i < 3; i++)
            using (var again = await thief.PostFormAsync("/login", "/logout", []))
                Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);

        Assert.Empty(await EventsAsync(e => e.Kind == SecurityEventKinds.Logout && (e.Ip == strangerIp || e.Ip == thiefIp)));
        Assert.Single(await EventsAsync(e => e.Kind == SecurityEventKinds.Logout && e.UserId == userId));
    }

    [Fact]
    public async Task APasswordChangeKillsEverySessionOfThatUserOnly()
    {
        var (email, _, userId) = await NewAgentAsync();
        var (otherEmail, _, _) = await NewAgentAsync();
        var office = await SignedInAsync(email);
        var phone = await SignedInAsync(email);
        var colleague = await SignedInAsync(otherEmail);

        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = await AgencyCommands.RunAsync(app.Services, ["users", "set-password", "--email", email, "--password", "un-nouveau-mot-de-passe"], output, errors);
        Assert.True(code == 0, errors.ToString());
        Assert.Contains("sessions_ended: 2", output.ToString(), StringComparison.Ordinal);

        Assert.False(await office.IsSignedInAsync());
        Assert.False(await phone.IsSignedInAsync());
        Assert.True(await colleague.IsSignedInAsync(), "Another user's session is not touched.");
        Assert.Contains("Email ou mot de passe incorrect.", await TextAsync(await new AgentBrowser(app, NewAddress()).LogInAsync(email, Password)), StringComparison.Ordinal);
        var fresh = new AgentBrowser(app, NewAddress());
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.LogInAsync(email, "un-nouveau-mot-de-passe")).StatusCode);
        Assert.True(await fresh.IsSignedInAsync());

        var events = await EventsAsync(e => e.UserId == userId);
        Assert.Equal(2, events.Count(e => e is { Kind: SecurityEventKinds.SessionRevoked, Detail: "password_changed" }));
        Assert.Single(events, e => e.Kind == SecurityEventKinds.PasswordChanged);
    }

    [Fact]
    public async Task ATooShortPasswordIsRefusedAndNoSessionEnds()
    {
        var (email, _, _) = await NewAgentAsync();
        var browser = await SignedInAsync(email);
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = await AgencyCommands.RunAsync(app.Services, ["users", "set-password", "--email", email, "--password", "court"], output, errors);
        Assert.Equal(1, code);
        Assert.Contains("au moins 12 caractères", errors.ToString(), StringComparison.Ordinal);
        Assert.True(await browser.IsSignedInAsync());
        Assert.Equal(1, await AgencyCommands.RunAsync(app.Services, ["users", "set-password", "--email", "nobody@nowhere.fr", "--password", "assez-long-mot-de-passe"], output, errors));
    }

    [Fact]
    public async Task AnIdleSessionEndsAndSoDoesAnOldOne()
    {
        var (email, _, userId) = await NewAgentAsync();
        var idle = await SignedInAsync(email);
        app.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        Assert.False(await idle.IsSignedInAsync());

        var busy = await SignedInAsync(email);
        for (var i = 0; i < 13; i++) // used every hour: never idle, but 12 h is the most a session lives
        {
            app.Clock.Advance(TimeSpan.FromHours(1));
            if (i < 11) Assert.True(await busy.IsSignedInAsync(), $"Still in use after {i + 1} h.");
        }
        Assert.False(await busy.IsSignedInAsync());
        var reasons = (await app.DbAsync(db => db.AgentSessions.AsNoTracking().Where(s => s.UserId == userId).ToListAsync()))
            .Select(s => s.RevokedReason).Order().ToList();
        Assert.Equal(["expired", "idle"], reasons);
    }

    // ---- Sessions across instances ----

    [Fact]
    public async Task ASessionOpensTheSecondInstanceAndALogoutThereEndsItOnTheFirst()
    {
        var (email, _, _) = await NewAgentAsync();
        var browser = await SignedInAsync(email);
        await using var second = new SecondInstance(app);
        var onSecond = browser.CopyTo(new AgentBrowser(second));
        Assert.True(await onSecond.IsSignedInAsync(), "The cookie issued by the first instance should open the second one.");
        // A form posted to the second instance with a token the first one issued (shared antiforgery keys).
        using (var logout = await onSecond.LogOutAsync())
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.False(await browser.IsSignedInAsync());
        Assert.False(await browser.CopyTo(new AgentBrowser(second)).IsSignedInAsync());
        Assert.True(await app.DbAsync(db => db.DataProtectionKeys.AnyAsync()), "The Data Protection keys live in the database.");
    }

}

[Collection(SqliteCollection.Name)]
public sealed class SessionsAndLoginsOnSqlite(SqliteApp app) : SessionsAndLogins(app);

[Collection(PostgresCollection.Name)]
public sealed class SessionsAndLoginsOnPostgres(PostgresApp app) : SessionsAndLogins(app);
