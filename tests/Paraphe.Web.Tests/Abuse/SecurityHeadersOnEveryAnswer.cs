using System.Net;
using System.Text.RegularExpressions;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 8 (the header half): every kind of answer — an agent page, the login, the signing page, a public page,
/// the error page, the API and its problems, a static file — carries a Content-Security-Policy with
/// `frame-ancestors 'none'`, `nosniff`, a Referrer-Policy (`no-referrer` where the URL holds a token) and no `Server`;
/// the pages hold no inline script or style the policy would block.
/// </summary>
[Collection(SqliteCollection.Name)]
public sealed partial class SecurityHeadersOnEveryAnswer(SqliteApp app)
{
    private async Task<HttpClient> AgentAsync()
    {
        var http = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var form = await (await http.GetAsync("/login")).Content.ReadAsStringAsync();
        var match = AntiforgeryField().Match(form);
        var token = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
        var login = await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = DemoAgency.Email, ["Password"] = DemoAgency.Password, ["__RequestVerificationToken"] = token,
        }));
        Assert.True(login.StatusCode == HttpStatusCode.Redirect,
            $"the demo director could not log in ({(int)login.StatusCode}, token found: {token.Length > 0}): {await login.Content.ReadAsStringAsync()}");
        // The app's clock is fake (March 2026), so its cookie is already expired for the client's cookie jar: sent by hand.
        var session = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("paraphe=", StringComparison.Ordinal)).Split(';')[0];
        var agent = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        agent.DefaultRequestHeaders.Add("Cookie", session);
        return agent;
    }

    private static void AssertCommonHeaders(HttpResponseMessage response, string referrerPolicy)
    {
        var what = $"{response.RequestMessage?.RequestUri?.PathAndQuery} ({(int)response.StatusCode})";
        var csp = response.Headers.TryGetValues("Content-Security-Policy", out var values) ? values.Single() : null;
        Assert.True(csp is not null, $"{what}: no Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(referrerPolicy, response.Headers.GetValues("Referrer-Policy").Single());
        Assert.False(response.Headers.Contains("Server"), $"{what}: Server header");
    }

    private static async Task AssertPageAsync(HttpResponseMessage response, string referrerPolicy)
    {
        AssertCommonHeaders(response, referrerPolicy);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotMatch(InlineStyle(), html);
    }

    [Theory]
    [InlineData("/procedures")]
    [InlineData("/contacts")]
    [InlineData("/documents")]
    [InlineData("/procedures/new")]
    public async Task AgentPages(string path)
    {
        var http = await AgentAsync();
        var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(path, response.RequestMessage!.RequestUri!.AbsolutePath); // not sent to the login
        await AssertPageAsync(response, "same-origin");
    }

    [Fact]
    public async Task AnAgentsProcedurePage()
    {
        var api = app.Api();
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 1);
        var response = await (await AgentAsync()).GetAsync($"/procedures/{procedure.Str("id")}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"/procedures/{procedure.Str("id")}", response.RequestMessage!.RequestUri!.AbsolutePath);
        await AssertPageAsync(response, "same-origin");
    }

    [Fact]
    public async Task TheLoginPage() => await AssertPageAsync(await app.CreateClient().GetAsync("/login"), "same-origin");

    [Theory]
    [InlineData("/verifier")]
    [InlineData("/a-propos")]
    public async Task PublicPages(string path) => await AssertPageAsync(await app.CreateClient().GetAsync(path), "same-origin");

    [Fact]
    public async Task TheSigningPageAndItsApiSendNoReferrer()
    {
        var api = app.Api();
        var (_, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));

        var page = await app.CreateClient().GetAsync($"/sign/{token}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await AssertPageAsync(page, "no-referrer");
        AssertCommonHeaders(await app.CreateClient().GetAsync($"/api/v1/signing/{token}"), "no-referrer");
        AssertCommonHeaders(await app.CreateClient().GetAsync($"/sign/{new string('x', 43)}"), "no-referrer");
        AssertCommonHeaders(await app.CreateClient().GetAsync($"/telechargement/{new string('x', 43)}"), "no-referrer");
    }

    [Fact]
    public async Task TheErrorPage()
    {
        var response = await app.CreateClient().GetAsync("/cette-page-n-existe-pas");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertPageAsync(response, "same-origin");
    }

    [Fact]
    public async Task ApiAnswersAndProblemsMayLoadNothing()
    {
        var answers = new[]
        {
            await app.Api().GetAsync("/api/v1/procedures"),
            await app.Anonymous().GetAsync("/api/v1/procedures"),
            await app.Api().GetAsync("/api/v1/nulle-part"),
            await app.Anonymous().GetAsync("/health"),
        };
        foreach (var response in answers)
        {
            AssertCommonHeaders(response, "same-origin");
            Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task StaticFiles()
    {
        var css = await app.CreateClient().GetAsync("/css/site.css");

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        AssertCommonHeaders(css, "same-origin");
    }

    [GeneratedRegex("""name="__RequestVerificationToken" type="hidden" value="([^"]+)"|value="([^"]+)"[^>]*name="__RequestVerificationToken""")]
    private static partial Regex AntiforgeryField();

    /// <summary>A script element without `src` (inline code), or an inline event handler.</summary>
    [GeneratedRegex("""<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=\s*["']""", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("""<style[\s>]|\sstyle\s*=\s*["']""", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyle();
}
