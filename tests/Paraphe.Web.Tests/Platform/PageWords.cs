using System.Net;
using System.Text.RegularExpressions;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Tests.Abuse;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Platform;

/// <summary>
/// The words agents and clients read: every page, as rendered with real data, is scanned for developer text (ids,
/// « null », exceptions, English leftovers, raw E.164 numbers) and for the words the product retired (« Email vérifié »,
/// « Copier en brouillon », « que acquéreur », singular counts with a plural noun).
/// </summary>
public abstract partial class PageWords(ParapheApp app)
{
    private const string Password = "mot-de-passe-des-mots-42";

    private static readonly (Regex Pattern, string Why)[] Forbidden =
    [
        (new(@"\bnull\b|\bundefined\b|\bNaN\b", RegexOptions.IgnoreCase), "a developer's value"),
        (new(@"Exception|Stack ?trace|at Paraphe\.|System\.", RegexOptions.None), "a stack trace"),
        (new(@"\b(prc|sgn|ntf|ctc|doc|agc|usr)_[0-9a-f]{8,}"), "an internal id"),
        (new(@"(?<![\w+])\+[1-9][0-9]{8,14}(?![0-9])"), "a raw E.164 number"),
        (new(@"\b(Submit|Loading|Error|Warning|Delete|Cancel|Save|Download|Upload|Sign in|Log ?out|Next|Previous|Search|TODO|FIXME|Lorem)\b"), "an English or unfinished word"),
        (new(@"\b(true|false)\b"), "a boolean"),
        (new(@"Email vérifié|Mobile vérifié"), "the check verifies the format only (« Format vérifié »)"),
        (new(@"Copier en brouillon|Corriger et relancer|Relancer par email"), "one word per action"),
        (new(@"\bque [aeiouyéèêâîôûh]", RegexOptions.IgnoreCase), "« que » before a vowel is « qu' »"),
        (new(@"(?<![0-9])[01] (signataires|relances|événements|pages|essais|signatures)\b"), "a plural after 0 or 1"),
        (new(@"(?<![0-9])([2-9]|[1-9][0-9]+) (signataire|relance|événement|page|essai)\b(?!s)"), "a singular after 2 or more"),
    ];

    [Fact]
    public async Task NoPageShowsDeveloperTextOrARetiredWord()
    {
        var email = $"mots.{Guid.NewGuid():N}@agence-test.fr";
        var created = await app.DbAsync(db => CreateAgency.HandleAsync(db, "Agence des Mots", email, Password, null, CancellationToken.None));
        var api = new Api(app, created.ApiKey);
        var agent = new AgentBrowser(app, "203.0.113.77");
        using (var login = await agent.LogInAsync(email, Password)) Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        var helene = await api.CreateContactAsync("Hélène", "Lefèvre", $"helene.{Guid.NewGuid():N}@example.fr", "06 12 34 56 78");
        var paul = await api.CreateContactAsync("Paul", "Hoarau", $"paul.{Guid.NewGuid():N}@example.re", "+262 692 12 34 56");
        var document = (await api.UploadPdfAsync("Compromis rue des Mots")).Str("id");
        var remote = await Expect.JsonAsync(await api.PostAsync("/api/v1/procedures", new
        {
            document_id = document, mode = "remote",
            signers = new[] { new { contact_id = helene.Str("id"), role = "acquéreur" }, new { contact_id = paul.Str("id"), role = "vendeur" } },
        }), HttpStatusCode.Created);
        var remoteId = remote.Str("id");
        await api.LaunchAsync(remoteId);
        var (completed, _) = await api.CompletedInPersonAsync();
        await api.WaitForSealedAsync(completed);
        var (draft, _) = await api.DraftAsync("remote", signers: 1);
        var token = await api.SigningTokenAsync(helene.Str("email"));

        var pages = new[]
        {
            "/procedures", $"/procedures/{remoteId}", $"/procedures/{completed}", $"/procedures/{draft.Str("id")}", "/contacts",
            $"/contacts/{helene.Str("id")}", $"/contacts/{paul.Str("id")}", "/contacts/new", "/documents", "/procedures/new", "/verifier", "/a-propos",
            "/contacts?q=Helene",
        };
        var failures = new List<string>();
        foreach (var path in pages) await ScanAsync(agent, path, failures);
        var signer = new AgentBrowser(app, "203.0.113.78");
        await ScanAsync(signer, $"/sign/{token}", failures);
        await ScanAsync(signer, "/login", failures);
        await ScanAsync(signer, "/sign/un-lien-inconnu", failures);

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static async Task ScanAsync(AgentBrowser browser, string path, List<string> failures)
    {
        using var response = await browser.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NotFound))
        {
            failures.Add($"{path}: {(int)response.StatusCode}");
            return;
        }
        var text = VisibleText(html);
        foreach (var (pattern, why) in Forbidden)
            foreach (Match m in pattern.Matches(text))
            {
                var from = Math.Max(0, m.Index - 60);
                failures.Add($"{path}: {why}: « …{text[from..Math.Min(text.Length, m.Index + m.Length + 60)]}… »");
            }
    }

    /// <summary>What a person reads: the text between tags, plus placeholders, titles and alternative texts.</summary>
    private static string VisibleText(string html)
    {
        var body = ScriptsAndStyles().Replace(html, " ");
        var attributes = string.Join(" | ", ReadAttributes().Matches(body).Select(m => m.Groups[2].Value));
        var text = Tags().Replace(body, " | ");
        return Spaces().Replace(WebUtility.HtmlDecode(text + " | " + attributes), " ");
    }

    [GeneratedRegex(@"<(script|style|noscript)\b[^>]*>.*?</\1>|<head\b.*?</head>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptsAndStyles();

    [GeneratedRegex(@"\b(placeholder|title|alt|aria-label)=""([^""]*)""")]
    private static partial Regex ReadAttributes();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

[Collection(SqliteCollection.Name)]
public sealed class PageWordsOnSqlite(SqliteApp app) : PageWords(app);

[Collection(PostgresCollection.Name)]
public sealed class PageWordsOnPostgres(PostgresApp app) : PageWords(app);
