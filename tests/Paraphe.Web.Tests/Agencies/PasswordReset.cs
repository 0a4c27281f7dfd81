using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Web.Tests.Abuse;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Agencies;

/// <summary>« Mot de passe oublié ? »: the same answer for any address, a one-time expiring link, throttled, other sessions ended.</summary>
public abstract class PasswordReset(ParapheApp app)
{
    private static async Task<string> AnswerAsync(AgentBrowser browser, string email)
    {
        var response = await browser.PostFormAsync("/mot-de-passe-oublie", "/mot-de-passe-oublie", new() { ["Email"] = email });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        // The page minus the antiforgery token, which differs on every answer.
        return System.Text.RegularExpressions.Regex.Replace(html, "value=\"CfDJ[^\"]+\"", "value=\"…\"");
    }

    [Fact]
    public async Task AnUnknownAddressGetsTheSameAnswerAndNothingIsSent()
    {
        var agency = await TestAgency.CreateAsync(app);
        var browser = new AgentBrowser(app, "203.0.113.70");
        var unknown = $"personne.{Guid.NewGuid():N}@agence-test.fr";
        var known = await AnswerAsync(browser, agency.DirectorEmail);
        Assert.Equal(known, await AnswerAsync(browser, unknown));
        Assert.Contains("Si un compte actif correspond à cette adresse", known, StringComparison.Ordinal);
        await agency.Api.WaitForOutboxAsync(agency.DirectorEmail);
        Assert.Empty(await agency.Api.OutboxAsync(unknown));
        Assert.Equal(0, await app.DbAsync(db => db.Notifications.IgnoreQueryFilters().CountAsync(n => n.To == unknown)));
    }

    [Fact]
    public async Task TheLinkWorksOnceEndsTheOtherSessionsAndTheOldPasswordStops()
    {
        var agency = await TestAgency.CreateAsync(app);
        var (user, signedIn) = await agency.SignedInUserAsync(app, "agent", ip: "203.0.113.71");
        var email = user.Str("email");
        var browser = new AgentBrowser(app, "203.0.113.72");
        await AnswerAsync(browser, email);
        var path = await agency.LinkPathAsync(email, count: 2); // the invitation, then the reset
        Assert.Contains("Nouveau mot de passe", await (await browser.GetAsync(path)).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var set = await TestAgency.SetPasswordAsync(browser, path, "un tout nouveau mot de passe");
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.False(await signedIn.IsSignedInAsync(), "Using the link ends the user's other sessions.");
        Assert.NotEqual(HttpStatusCode.Redirect, (await new AgentBrowser(app, "203.0.113.73").LogInAsync(email, TestAgency.NewPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await new AgentBrowser(app, "203.0.113.74").LogInAsync(email, "un tout nouveau mot de passe")).StatusCode);
        Assert.Contains("Ce lien ne fonctionne plus", await (await browser.GetAsync(path)).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var kinds = (await agency.EventsAsync()).Select(e => e.Str("kind")).ToList();
        Assert.Contains("password.reset_requested", kinds);
        Assert.Contains("password.reset", kinds);
    }

    [Fact]
    public async Task ChangingThePasswordAnotherWayVoidsTheLinkStillInTheMailbox()
    {
        var agency = await TestAgency.CreateAsync(app);
        var browser = new AgentBrowser(app, "203.0.113.76");
        await AnswerAsync(browser, agency.DirectorEmail);
        var path = await agency.LinkPathAsync(agency.DirectorEmail);
        Assert.DoesNotContain("Ce lien ne fonctionne plus", await (await browser.GetAsync(path)).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // « Mon mot de passe » or `users set-password`: the same use case.
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Paraphe.Web.Features.Sessions.LoginOptions>>().Value;
        await app.DbAsync(db => Paraphe.Web.Features.Sessions.ChangePassword.HandleAsync(db, options, agency.DirectorEmail,
            "un mot de passe changé ailleurs", null, CancellationToken.None));

        Assert.Contains("Ce lien ne fonctionne plus", await (await browser.GetAsync(path)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredOrReplacedLinkNoLongerWorks()
    {
        var agency = await TestAgency.CreateAsync(app);
        var browser = new AgentBrowser(app, "203.0.113.75");
        await AnswerAsync(browser, agency.DirectorEmail);
        var first = await agency.LinkPathAsync(agency.DirectorEmail);
        await AnswerAsync(browser, agency.DirectorEmail);
        var second = await agency.LinkPathAsync(agency.DirectorEmail, count: 2);
        Assert.NotEqual(first, second);
        Assert.Contains("Ce lien ne fonctionne plus", await (await browser.GetAsync(first)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("Ce lien ne fonctionne plus", await (await browser.GetAsync(second)).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        app.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        Assert.Contains("Ce lien ne fonctionne plus", await (await browser.GetAsync(second)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.LogInAsync(agency.DirectorEmail, agency.DirectorPassword)).StatusCode);
    }

    [Fact]
    public async Task RequestsAreThrottledPerAddressWithTheSameAnswer()
    {
        var agency = await TestAgency.CreateAsync(app);
        var browser = new AgentBrowser(app, "203.0.113.76");
        var answers = new List<string>();
        for (var i = 0; i < 5; i++) answers.Add(await AnswerAsync(browser, agency.DirectorEmail));
        Assert.Single(answers.Distinct());
        // Three links issued (each replacing the previous one, whose email is then not sent), then nothing.
        Assert.Equal(3, await app.DbAsync(db => db.Notifications.IgnoreQueryFilters()
            .CountAsync(n => n.To == agency.DirectorEmail && n.Purpose == Paraphe.Domain.Notifications.Purpose.PasswordReset)));
        Assert.Equal(3, await app.DbAsync(db => db.AccountTokens.CountAsync(t => t.UserId == agency.DirectorId)));
        Assert.InRange((await agency.Api.WaitForOutboxAsync(agency.DirectorEmail)).Length, 1, 3);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class PasswordResetOnSqlite(SqliteApp app) : PasswordReset(app);

[Collection(PostgresCollection.Name)]
public sealed class PasswordResetOnPostgres(PostgresApp app) : PasswordReset(app);
