using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Web.Pages.Sign;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// Issue 12 (page5): the plain GET of an opened link's page is answered from the HTML Razor rendered once
/// (<see cref="RenderedSigningPages"/>). For every state the page shows, the answer is the one Razor renders — a GET with
/// a query string always goes through the page, so it is the reference — the antiforgery token's value aside, with the
/// same headers, and its token is accepted by the form.
/// </summary>
public abstract partial class SigningPageRenderedOnce(ParapheApp app)
{
    private readonly Api api = app.Api();
    private RenderedSigningPages Pages => app.Services.GetRequiredService<RenderedSigningPages>();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    private sealed record Answer(HttpStatusCode Status, string Html, string Headers, string? Token);

    private static async Task<Answer> GetAsync(HttpClient client, string path, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        var tokens = TokenField().Matches(html).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(tokens.Count <= 1, "one antiforgery token per page");
        // Every header but the date and the antiforgery cookie (set on a first visit, tested apart below).
        var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key is not ("Date" or "Set-Cookie"))
            .Select(h => h.Key.ToLowerInvariant() + ": " + string.Join(", ", h.Value)).Order(StringComparer.Ordinal));
        return new(response.StatusCode, TokenField().Replace(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"…\""),
            headers, tokens.SingleOrDefault());
    }

    /// <summary>
    /// Opens the link, then asks for its page until it is answered from the kept HTML; each answer equals Razor's
    /// (the same GET with a query string) in the same state. Returns the replayed answer.
    /// </summary>
    private async Task<Answer> ReplayedEqualsRazorAsync(string token, string? language = null, HttpClient? client = null)
    {
        client ??= app.Anonymous();
        await GetAsync(client, $"/sign/{token}", language); // the first opening, if not yet
        await GetAsync(client, $"/sign/{token}", language); // rendered by Razor and kept
        Assert.True(Pages.Holds(token), "the page of an opened link should be kept");
        var before = Pages.Replayed;
        var replayed = await GetAsync(client, $"/sign/{token}", language);
        Assert.True(Pages.Replayed > before, "the third GET should be answered from the kept page");
        var razor = await GetAsync(client, $"/sign/{token}?rendu=razor", language);
        Assert.Equal(razor.Status, replayed.Status);
        Assert.Equal(razor.Headers, replayed.Headers);
        Assert.Equal(razor.Html, replayed.Html);
        Assert.Equal(razor.Token is null, replayed.Token is null);
        // And Razor's page for a browser with no cookie, whose token comes from antiforgery itself (page7: a browser
        // with a cookie may be given the token kept for it, SignerFormTokens).
        var fresh = await GetAsync(app.Anonymous(), $"/sign/{token}?rendu=razor", language);
        Assert.Equal(fresh.Status, replayed.Status);
        Assert.Equal(fresh.Headers, replayed.Headers);
        Assert.Equal(fresh.Html, replayed.Html);
        return replayed;
    }

    /// <summary>A page never kept (refused or unknown links): the plain GET is Razor's, as the reference is.</summary>
    private async Task NotKeptAsync(string token, HttpStatusCode status, string testId)
    {
        var client = app.Anonymous();
        var before = Pages.Replayed;
        var plain = await GetAsync(client, $"/sign/{token}");
        var again = await GetAsync(client, $"/sign/{token}");
        var razor = await GetAsync(client, $"/sign/{token}?rendu=razor");
        Assert.Equal(status, plain.Status);
        Assert.Contains($"data-testid=\"{testId}\"", plain.Html);
        Assert.Equal(razor.Html, plain.Html);
        Assert.Equal(razor.Html, again.Html);
        Assert.Equal(razor.Headers, again.Headers);
        Assert.False(Pages.Holds(token));
        Assert.Equal(before, Pages.Replayed);
    }

    /// <summary>A remote procedure launched, and the links of its first <paramref name="invited"/> signers.</summary>
    private async Task<(string Id, string[] Tokens)> LaunchedAsync(object? options = null, int signers = 2, int? invited = null)
    {
        var (draft, contacts) = await api.DraftAsync("remote", signers);
        if (options is not null)
            Assert.Equal(HttpStatusCode.OK, (await api.PatchAsync($"/api/v1/procedures/{draft.Str("id")}", options)).StatusCode);
        await api.LaunchAsync(draft.Str("id"));
        var tokens = new List<string>();
        foreach (var c in contacts.Take(invited ?? signers)) tokens.Add(await api.SigningTokenAsync(c.Str("email")));
        return (draft.Str("id"), tokens.ToArray());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("en")]
    [InlineData("fr-FR")]
    public async Task APendingSignersFormIsRazorsPage(string? language)
    {
        var (_, tokens) = await LaunchedAsync();
        var page = await ReplayedEqualsRazorAsync(tokens[0], language);
        Assert.Contains("data-sign-form", page.Html);
        Assert.DoesNotContain("data-testid=\"otp\"", page.Html);
        Assert.NotNull(page.Token);
    }

    [Fact]
    public async Task AFormWithACodeIsRazorsPage()
    {
        var (_, tokens) = await LaunchedAsync(new { otp = true });
        var page = await ReplayedEqualsRazorAsync(tokens[0]);
        Assert.Contains("data-testid=\"otp\"", page.Html);
    }

    [Fact]
    public async Task TheFirstSignerOfASequentialProcedureIsRazorsPage()
    {
        var (_, tokens) = await LaunchedAsync(new { signing_order = "sequential" }, invited: 1); // the second at their turn
        var page = await ReplayedEqualsRazorAsync(tokens[0]);
        Assert.Contains("data-sign-form", page.Html);
    }

    [Fact]
    public async Task AlreadySignedIsRazorsPageAndAChangeIsSeenAtOnce()
    {
        var (_, tokens) = await LaunchedAsync();
        var form = await ReplayedEqualsRazorAsync(tokens[0]);
        Assert.Contains("data-sign-form", form.Html);

        using (var signed = await app.Anonymous().PostAsJsonAsync($"/api/v1/signing/{tokens[0]}/sign",
                   new { consent = true, typed_name = "Jeanne Durand" }))
            Assert.Equal(HttpStatusCode.OK, signed.StatusCode);

        // The kept form belongs to the old snapshot: the next GET shows the signature, then is kept in turn.
        var page = await ReplayedEqualsRazorAsync(tokens[0]);
        Assert.Contains("data-testid=\"already-signed\"", page.Html);
        Assert.Null(page.Token);
    }

    [Fact]
    public async Task TheReplayedTokenSignsAndAFirstVisitGetsItsCookie()
    {
        var (_, tokens) = await LaunchedAsync();
        await ReplayedEqualsRazorAsync(tokens[0]);
        // A browser with no cookie yet, answered from the kept page: it is given the antiforgery cookie with the page.
        var browser = app.Anonymous();
        var before = Pages.Replayed;
        using var first = await browser.GetAsync($"/sign/{tokens[0]}");
        Assert.True(Pages.Replayed > before);
        Assert.Contains(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        var token = TokenField().Match(await first.Content.ReadAsStringAsync()).Groups[1].Value;

        using var sign = await browser.PostAsync($"/sign/{tokens[0]}?handler=Sign", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Consent"] = "true", ["Method"] = "type", ["TypedName"] = "Jeanne Durand", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.OK, sign.StatusCode);
        Assert.Contains("data-testid=\"sign-done\"", await sign.Content.ReadAsStringAsync());

        // A forged token is still refused.
        var (_, others) = await LaunchedAsync();
        await ReplayedEqualsRazorAsync(others[0], client: browser);
        using var forged = await browser.PostAsync($"/sign/{others[0]}?handler=Sign", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Consent"] = "true", ["Method"] = "type", ["TypedName"] = "Jeanne Durand", ["__RequestVerificationToken"] = token[..^4] + "AAAA",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task RefusedAndUnknownLinksAreRazorsPages()
    {
        var (cancelledId, cancelled) = await LaunchedAsync();
        await ReplayedEqualsRazorAsync(cancelled[0]);
        using (var r = await api.PostAsync($"/api/v1/procedures/{cancelledId}/cancel", new { reason = "Erreur sur le prix" }))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await NotKeptAsync(cancelled[0], HttpStatusCode.Gone, "gone");

        var (_, declined) = await LaunchedAsync();
        await ReplayedEqualsRazorAsync(declined[0]);
        using (var r = await app.Anonymous().PostAsJsonAsync($"/api/v1/signing/{declined[1]}/decline", new { reason = "Le prix a changé" }))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await NotKeptAsync(declined[0], HttpStatusCode.Gone, "gone");

        var (completedId, completed) = await LaunchedAsync(signers: 1);
        await ReplayedEqualsRazorAsync(completed[0]);
        using (var r = await app.Anonymous().PostAsJsonAsync($"/api/v1/signing/{completed[0]}/sign", new { consent = true, typed_name = "Jeanne Durand" }))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // Until the seal, the page refreshes itself (a <meta http-equiv="refresh">): compare pages of one state.
        await api.WaitForSealedAsync(completedId);
        await NotKeptAsync(completed[0], HttpStatusCode.Gone, "gone");

        await NotKeptAsync("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", HttpStatusCode.NotFound, "not-found");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SigningPageRenderedOnceOnSqlite(SqliteApp app) : SigningPageRenderedOnce(app);

[Collection(PostgresCollection.Name)]
public sealed class SigningPageRenderedOnceOnPostgres(PostgresApp app) : SigningPageRenderedOnce(app);
