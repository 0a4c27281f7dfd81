using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Web.Pages.Sign;
using Paraphe.Web.Tests.Abuse;
using Paraphe.Web.Tests.Agencies;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// Issue 12 (page7): the signing page's antiforgery token kept per antiforgery cookie (<see cref="SignerFormTokens"/>).
/// A signer's first visit gets a cookie and a token; coming back with that cookie they get the same token without
/// antiforgery's two Data Protection operations, and it still signs. A token only ever goes with its own cookie: with
/// another browser's cookie, or with no token, the form is refused. A signed-in agent's tokens are never kept.
/// </summary>
public abstract partial class SignerFormTokensKept(ParapheApp app)
{
    private readonly Api api = app.Api();
    private SignerFormTokens Tokens => app.Services.GetRequiredService<SignerFormTokens>();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    private async Task<string> LinkAsync()
    {
        var (draft, contacts) = await api.DraftAsync("remote", 1);
        await api.LaunchAsync(draft.Str("id"));
        return await api.SigningTokenAsync(contacts[0].Str("email"));
    }

    /// <summary>The page's token, read from its form (every form of a page carries the same).</summary>
    private static async Task<string> PageTokenAsync(AgentBrowser browser, string link)
    {
        using var page = await browser.GetAsync($"/sign/{link}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var tokens = TokenField().Matches(await page.Content.ReadAsStringAsync()).Select(m => m.Groups[1].Value).Distinct().ToList();
        return Assert.Single(tokens);
    }

    private static async Task<HttpStatusCode> SignAsync(AgentBrowser browser, string link, string? token)
    {
        var form = new Dictionary<string, string> { ["Consent"] = "true", ["Method"] = "type", ["TypedName"] = "Jeanne Durand" };
        if (token is not null) form["__RequestVerificationToken"] = token;
        using var answer = await browser.SendAsync(HttpMethod.Post, $"/sign/{link}?handler=Sign", new FormUrlEncodedContent(form));
        if (answer.StatusCode == HttpStatusCode.OK) Assert.Contains("data-testid=\"sign-done\"", await answer.Content.ReadAsStringAsync());
        return answer.StatusCode;
    }

    private static string AntiforgeryCookie(AgentBrowser browser) =>
        browser.Cookies.Single(c => c.Key.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)).Value;

    [Fact]
    public async Task AReturnVisitIsGivenTheTokenOfItsCookieAndItSigns()
    {
        var link = await LinkAsync();
        // Every state of the page: the first opening (Razor), the render kept (Razor), then the kept page (replayed).
        var browser = new AgentBrowser(app, "203.0.113.121");
        var first = await PageTokenAsync(browser, link);
        var cookie = AntiforgeryCookie(browser);
        Assert.True(Tokens.Holds(cookie), "the token issued with a new cookie is kept for it");
        Assert.InRange(Tokens.Count, 1, SignerFormTokens.Capacity);
        for (var visit = 0; visit < 3; visit++)
        {
            var before = Tokens.Reused;
            using var page = await browser.GetAsync($"/sign/{link}");
            Assert.False(page.Headers.Contains("Set-Cookie"), "a return visit keeps its cookie");
            Assert.Equal(first, TokenField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value);
            Assert.True(Tokens.Reused > before, "the kept token was given");
        }
        Assert.Equal(cookie, AntiforgeryCookie(browser));
        Assert.Equal(HttpStatusCode.OK, await SignAsync(browser, link, first));
    }

    [Fact]
    public async Task AKeptTokenGoesOnlyWithItsOwnCookie()
    {
        var link = await LinkAsync();
        var mine = new AgentBrowser(app, "203.0.113.122");
        var other = new AgentBrowser(app, "203.0.113.123");
        var myToken = await PageTokenAsync(mine, link);
        await PageTokenAsync(mine, link); // kept and replayed from now on
        var otherToken = await PageTokenAsync(other, link);
        Assert.Equal(otherToken, await PageTokenAsync(other, link));
        Assert.NotEqual(AntiforgeryCookie(mine), AntiforgeryCookie(other));

        Assert.Equal(HttpStatusCode.BadRequest, await SignAsync(mine, link, otherToken)); // issued for another cookie
        Assert.Equal(HttpStatusCode.BadRequest, await SignAsync(mine, link, token: null));
        Assert.Equal(HttpStatusCode.BadRequest, await SignAsync(mine, link, myToken[..^4] + "AAAA"));
        var stranger = new AgentBrowser(app, "203.0.113.124"); // no cookie at all
        Assert.Equal(HttpStatusCode.BadRequest, await SignAsync(stranger, link, myToken));
        Assert.Equal(HttpStatusCode.OK, await SignAsync(mine, link, myToken));
    }

    [Fact]
    public async Task ASignedInAgentsTokensAreNeverKept()
    {
        var agency = await TestAgency.CreateAsync(app);
        var (draft, contacts) = await agency.Api.DraftAsync("remote", 1);
        await agency.Api.LaunchAsync(draft.Str("id"));
        var link = await agency.Api.SigningTokenAsync(contacts[0].Str("email"));
        var agent = await agency.DirectorBrowserAsync(app, "203.0.113.125");
        var before = Tokens.Reused;
        var tokens = new List<string>();
        for (var visit = 0; visit < 4; visit++) tokens.Add(await PageTokenAsync(agent, link));
        Assert.Equal(before, Tokens.Reused);
        Assert.False(Tokens.Holds(AntiforgeryCookie(agent)));
        Assert.Equal(tokens.Count, tokens.Distinct().Count()); // antiforgery's own, a new one on every answer
        Assert.Equal(HttpStatusCode.OK, await SignAsync(agent, link, tokens[^1]));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SignerFormTokensKeptOnSqlite(SqliteApp app) : SignerFormTokensKept(app);

[Collection(PostgresCollection.Name)]
public sealed class SignerFormTokensKeptOnPostgres(PostgresApp app) : SignerFormTokensKept(app);
