using System.Net;
using System.Text.Json;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Tests.Abuse;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Agencies;

/// <summary>An agency of its own per test (its director, password and key), and the way a user gets in: the invitation's link.</summary>
internal sealed record TestAgency(string Id, Api Api, string DirectorId, string DirectorEmail, string DirectorPassword)
{
    public const string NewPassword = "une phrase assez longue 42";

    public static async Task<TestAgency> CreateAsync(ParapheApp app, string? name = null)
    {
        var email = $"direction.{Guid.NewGuid():N}@agence-test.fr";
        var result = await app.DbAsync(db => CreateAgency.HandleAsync(db, name ?? $"Agence {Guid.NewGuid():N}"[..20], email, null, null,
            CancellationToken.None, "Claire", "Directrice"));
        return new TestAgency(result.Agency.Id, new Api(app, result.ApiKey), result.Director.Id, email, result.Password);
    }

    /// <summary>POST /users; the created user.</summary>
    public async Task<JsonElement> InviteAsync(string role = "agent", bool authority = false, string? email = null) =>
        await Expect.JsonAsync(await Api.PostAsync("/api/v1/users", new
        {
            email = email ?? Api.UniqueEmail("Inès", "Agent"), first_name = "Inès", last_name = "Agent", role, signing_authority = authority,
        }), HttpStatusCode.Created);

    /// <summary>The path of the newest set-password link emailed to <paramref name="email"/> (waits for the dispatcher).</summary>
    public async Task<string> LinkPathAsync(string email, int count = 1)
    {
        var messages = await Api.WaitForOutboxAsync(email, count);
        var link = messages[0].Arr("links").Select(l => l.GetString()!).Single(l => l.Contains("/mot-de-passe/", StringComparison.Ordinal));
        return new Uri(link).PathAndQuery;
    }

    /// <summary>Sets the password through the link's page; the answer (302 to the login on success).</summary>
    public static Task<HttpResponseMessage> SetPasswordAsync(AgentBrowser browser, string path, string password = NewPassword) =>
        browser.PostFormAsync(path, path, new() { ["Password"] = password, ["Confirm"] = password });

    /// <summary>Invites a user, sets their password from the emailed link and logs them in a browser of their own.</summary>
    public async Task<(JsonElement User, AgentBrowser Browser)> SignedInUserAsync(ParapheApp app, string role = "agent", bool authority = false,
        string ip = "203.0.113.40")
    {
        var user = await InviteAsync(role, authority);
        var browser = new AgentBrowser(app, ip);
        var set = await SetPasswordAsync(browser, await LinkPathAsync(user.Str("email")));
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        var login = await browser.LogInAsync(user.Str("email"), NewPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return (user, browser);
    }

    public async Task<AgentBrowser> DirectorBrowserAsync(ParapheApp app, string ip = "203.0.113.41")
    {
        var browser = new AgentBrowser(app, ip);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.LogInAsync(DirectorEmail, DirectorPassword)).StatusCode);
        return browser;
    }

    public async Task<JsonElement[]> EventsAsync() =>
        (await Expect.JsonAsync(await Api.GetAsync("/api/v1/agency/events?limit=500"), HttpStatusCode.OK)).Arr("events");
}
