using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 4, for the pages: the agent UI's forms (as a hostile agent, logged in through the real form) and the
/// signer's page (anonymous), fuzzed with a fixed seed and a bounded count — huge strings, NUL and control characters,
/// bidi overrides, invalid UTF-8 (lone surrogates), numbers out of range or not numbers, missing, duplicated and extra
/// fields, ids of nothing and of another agency, wrong handler names, url-encoded and multipart bodies, odd query
/// strings. Asserts: no status ≥ 500 and never the « Une erreur est survenue » page.
/// </summary>
public abstract partial class PageFuzzing(ParapheApp app)
{
    /// <summary>Fixed, so that a failure replays; `PARAPHE_FUZZ_SEED` explores others by hand.</summary>
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("PARAPHE_FUZZ_SEED"), out var seed) ? seed : 20261207;
    private const int CasesPerForm = 12;
    private const string Password = "mot-de-passe-solide-42";

    private readonly Random random = new(Seed);

    /// <summary>Values already percent-encoded for a url-encoded body (so that invalid UTF-8 can be sent).</summary>
    private static readonly string[] OddRaw =
    [
        "", "%00", "a%00b", "%ED%A0%80", "%F0%80%80", "%FF%FE", "%C3", "%E2%80%AE" + "evil", "%E2%81%A7x%E2%81%A9", "%01%02%1B%7F",
        "%0D%0A%09", "-1", "0", "2147483648", "-2147483649", "99999999999999999999999", "1e309", "NaN", "abc", "1,5", "on", "true",
        "prc_nope", "ctc_nope", "usr_nope", "contact%3Actc_nope", "user%3Ausr_nope", "%27%20OR%201%3D1%20--", "%3Cscript%3E", "x%40y",
        "data%3Aimage%2Fpng%3Bbase64%2CiVBORw0KGgo%3D", "data%3Aimage%2Fpng%3Bbase64%2C%00%00", "http%3A%2F%2Fevil.example%2F", "%2F%2Fevil.example",
    ];

    private string Huge() => new('é', 50_000 + random.Next(0, 10)); // 100 KB of UTF-8

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private string Value(IReadOnlyList<string> real) => random.Next(8) switch
    {
        0 => Uri.EscapeDataString(Huge()),
        1 or 2 when real.Count > 0 => Uri.EscapeDataString(Pick(real)),
        _ => Pick(OddRaw),
    };

    private sealed record Form(string Page, string Action, string[] Handlers, string[] Fields, string[] FileFields)
    {
        /// <summary>Values a real form would send, per field: half the cases send mostly these, so that handlers run deep.</summary>
        public Dictionary<string, string[]> Plausible { get; init; } = [];
    }

    private static readonly Regex TokenInput = new("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");

    private async Task<string?> TokenAsync(AgentBrowser browser, string page)
    {
        using var response = await browser.GetAsync(page);
        var match = TokenInput.Match(await response.Content.ReadAsStringAsync());
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    private HttpContent Body(Form form, string? token, IReadOnlyList<string> real)
    {
        var pairs = new List<(string Name, string Raw)>();
        var nearlyValid = random.Next(2) == 0;
        foreach (var field in form.Fields)
        {
            if (random.Next(nearlyValid ? 12 : 5) == 0) continue; // missing
            pairs.Add((field, nearlyValid && random.Next(5) != 0 && form.Plausible.TryGetValue(field, out var good)
                ? Uri.EscapeDataString(Pick(good)) : Value(real)));
            if (random.Next(8) == 0) pairs.Add((field, Value(real))); // duplicated
        }
        if (random.Next(4) == 0) pairs.Add((Pick(["extra", "Signers[99999999999].Role", "Corrections[-1].Email", "Signers.Index", "a%00b", "%ED%A0%80"]), Value(real)));
        if (token is not null && random.Next(12) != 0) pairs.Add(("__RequestVerificationToken", Uri.EscapeDataString(token)));
        if (form.FileFields.Length > 0 && random.Next(2) == 0)
        {
            var multipart = new MultipartFormDataContent();
            foreach (var (name, raw) in pairs)
                multipart.Add(new ByteArrayContent(Encoding.Latin1.GetBytes(raw).Length > 0 ? WebUtility.UrlDecodeToBytes(Encoding.Latin1.GetBytes(raw), 0, raw.Length) : []), MultipartName(name));
            foreach (var file in form.FileFields)
            {
                var bytes = new byte[random.Next(16, 4000)];
                random.NextBytes(bytes);
                if (random.Next(2) == 0) Encoding.ASCII.GetBytes("%PDF-1.7\n").CopyTo(bytes, 0);
                var content = new ByteArrayContent(bytes);
                content.Headers.ContentType = new MediaTypeHeaderValue(Pick(["application/pdf", "image/png", "application/octet-stream", "text/html"]));
                multipart.Add(content, file, Pick(["x.pdf", "../../x.pdf", "a b.pdf", "x.exe", new string('n', 300) + ".pdf", "é.pdf"]));
            }
            return multipart;
        }
        var body = new ByteArrayContent(Encoding.Latin1.GetBytes(string.Join('&', pairs.Select(p => p.Name + "=" + p.Raw))));
        body.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        return body;
    }

    /// <summary>What was sent, for the failure message: long values shortened, the token left out.</summary>
    private static async Task<string> Shown(HttpContent body) => body is MultipartFormDataContent
        ? "(multipart)"
        : Regex.Replace(Regex.Replace(await body.ReadAsStringAsync(), "__RequestVerificationToken=[^&]*", "token"), "=([^&]{60})[^&]{20,}", "=$1…");

    /// <summary>A field name for a multipart part: decoded, unless HttpClient would refuse it in a header.</summary>
    private static string MultipartName(string raw) =>
        WebUtility.UrlDecode(raw) is var name && name.All(c => c is >= ' ' and <= '~' and not '"') ? name : raw;

    private static async Task CheckAsync(HttpResponseMessage response, string what, List<string> failures)
    {
        var status = (int)response.StatusCode;
        var html = await response.Content.ReadAsStringAsync();
        if (status >= 500 || html.Contains("Une erreur est survenue", StringComparison.Ordinal))
        {
            var text = Regex.Replace(html, "<[^>]+>|\\s+", " ");
            failures.Add($"{what} → {status}: {text[..Math.Min(text.Length, 300)]}");
        }
    }

    private async Task<(string Email, string AgencyId, Api Api)> NewAgencyAsync()
    {
        var email = $"fuzz.{Guid.NewGuid():N}@agence-test.fr";
        var created = await app.DbAsync(db => CreateAgency.HandleAsync(db, "Agence Fuzz", email, Password, null, CancellationToken.None));
        return (email, created.Agency.Id, new Api(app, created.ApiKey));
    }

    [Fact]
    public async Task EveryAgentFormAndQueryAnswersGeneratedInputWithoutAServerError()
    {
        var (email, _, api) = await NewAgencyAsync();
        var (_, _, other) = await NewAgencyAsync();
        var agent = new AgentBrowser(app, "203.0.113." + random.Next(100, 200));
        using (var login = await agent.LogInAsync(email, Password)) Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        var (launched, contacts) = await api.LaunchedAsync("remote", signers: 2);
        var (draft, _) = await api.DraftAsync("in_person", signers: 1);
        var (theirs, theirContacts) = await other.LaunchedAsync("remote", signers: 1);
        var document = (await api.UploadPdfAsync()).Str("id");
        var theirDocument = (await other.UploadPdfAsync()).Str("id");
        var procedures = new[] { launched.Str("id"), draft.Str("id"), theirs.Str("id"), "prc_nope" };
        var real = new List<string>
        {
            launched.Str("id"), draft.Str("id"), theirs.Str("id"), document, theirDocument, contacts[0].Str("id"), theirContacts[0].Str("id"),
            "contact:" + contacts[0].Str("id"), "contact:" + theirContacts[0].Str("id"), launched.Signers()[0].Str("id"), theirs.Signers()[0].Str("id"),
            "remote", "in_person", "document", "auto", "vendeur", "delivered", "hard_bounce", "draw", "type",
        };
        var failures = new List<string>();
        var (inPerson, inPersonContacts) = await api.LaunchedAsync("in_person", signers: 1);
        var messages = await api.OutboxAsync(contacts[0].Str("email"));
        var png = Pngs.DataUrl(Pngs.Drawing());
        var contact = new Dictionary<string, string[]>
        {
            ["FirstName"] = ["Jeanne", "Éloïse"], ["LastName"] = ["Durand", "N'Diaye"], ["Email"] = [Api.UniqueEmail("j", "d"), "jeanne@gmial.com"],
            ["Mobile"] = ["+33612345678", "06 12 34 56 78"], ["Language"] = ["fr", "en"],
        };
        var status = new Dictionary<string, string[]>
        {
            ["CancelReason"] = ["Erreur de document"], ["RelaunchReason"] = ["Adresse corrigée"], ["Corrections[0].SignerId"] = [launched.Signers()[0].Str("id")],
            ["Corrections[0].Email"] = [Api.UniqueEmail("c", "d")], ["Corrections[0].Mobile"] = ["+33698765432"], ["Corrections.Index"] = ["0"], ["launch"] = ["true", "false"],
            ["signerId"] = [launched.Signers()[0].Str("id"), launched.Signers()[1].Str("id")], ["NotaryEmail"] = ["notaire@etude.fr", "notaire@gmial.com"],
        };
        var faceAFace = new Dictionary<string, string[]>
        {
            ["SignerId"] = [inPerson.Signers()[0].Str("id")], ["Consent"] = ["true"], ["ConfirmedName"] = ["true", inPersonContacts[0].Str("first_name")],
            ["SignatureImage"] = [png], ["TypedName"] = ["Jeanne Durand"], ["Method"] = ["draw", "type"], ["Otp"] = ["123456"],
        };
        var outbox = new Dictionary<string, string[]>
        {
            ["messageId"] = messages.Select(m => m.Str("id")).DefaultIfEmpty("msg_none").ToArray(), ["event"] = ["delivered", "hard_bounce", "soft_bounce", "opened"],
            ["To"] = [contacts[0].Str("email")],
        };
        var newProcedure = new Dictionary<string, string[]>
        {
            ["DocumentId"] = [document], ["Mode"] = ["remote", "in_person"], ["Otp"] = ["true", "false"], ["ExpiresInDays"] = ["30"],
            ["ReminderIntervalDays"] = ["3"], ["ReminderMax"] = ["2"], ["Signers.Index"] = ["0"], ["Signers[0].Who"] = ["contact:" + contacts[0].Str("id")],
            ["Signers[1].Who"] = ["contact:" + contacts[1].Str("id")], ["Signers[0].Role"] = ["vendeur"], ["Signers[0].Placement"] = ["auto", "document"],
            ["Signers[0].Page"] = ["1", "2"], ["Signers[0].X"] = ["100", "207.5"], ["Signers[0].Y"] = ["100"], ["Signers[0].Width"] = ["150"], ["Signers[0].Height"] = ["60"],
        };

        var forms = new List<Form>
        {
            new("/contacts/new", "/contacts/new", [""], ["FirstName", "LastName", "Email", "Mobile", "Language"], []) { Plausible = contact },
            new($"/contacts/{contacts[1].Str("id")}", $"/contacts/{contacts[1].Str("id")}", [""], ["FirstName", "LastName", "Email", "Mobile", "Language"], []) { Plausible = contact },
            new($"/contacts/{contacts[1].Str("id")}", $"/contacts/{theirContacts[0].Str("id")}", [""], ["FirstName", "LastName", "Email"], []),
            new("/procedures/new", "/procedures/new", ["Draft", "Launch", "nope"],
                ["DocumentId", "Mode", "Otp", "ExpiresInDays", "ReminderIntervalDays", "ReminderMax", "Signers.Index", "Signers[0].Who", "Signers[0].Role",
                 "Signers[0].Placement", "Signers[0].Page", "Signers[0].X", "Signers[0].Y", "Signers[0].Width", "Signers[0].Height", "Signers[1].Who",
                 "brouillon"], [])
                { Plausible = newProcedure },
            new("/documents/upload", "/documents/upload", [""], ["Title", "Kind", "ReturnTo"], ["Pdf"])
                { Plausible = new() { ["Title"] = ["Compromis"], ["Kind"] = ["compromis", "mandat"], ["ReturnTo"] = ["/procedures/new"] } },
            new("/dev/outbox", "/dev/outbox", ["Simulate", "nope"], ["messageId", "event", "To"], []) { Plausible = outbox },
            new("/verifier", "/verifier", [""], [], ["Upload"]),
        };
        foreach (var id in procedures.Append(inPerson.Str("id")))
        {
            forms.Add(new($"/procedures/{launched.Str("id")}", $"/procedures/{id}",
                ["Launch", "Cancel", "Correct", "Relaunch", "Remind", "MarkSigned", "RetrySealing", "Notary", "nope", "signedDocument"],
                ["CancelReason", "RelaunchReason", "Corrections.Index", "Corrections[0].SignerId", "Corrections[0].Email", "Corrections[0].Mobile", "launch", "signerId", "NotaryEmail"],
                ["Scan"]) { Plausible = status });
            forms.Add(new($"/procedures/{inPerson.Str("id")}/face-a-face", $"/procedures/{id}/face-a-face", ["Sign", "Otp", "nope"],
                ["SignerId", "Consent", "ConfirmedName", "SignatureImage", "TypedName", "Method", "Otp"], []) { Plausible = faceAFace });
        }

        foreach (var form in forms)
            for (var i = 0; i < CasesPerForm; i++)
            {
                var token = await TokenAsync(agent, form.Page);
                var kiosk = form.Page.EndsWith("/face-a-face", StringComparison.Ordinal);
                if (kiosk) await UnlockAsync(agent, form.Page);
                var handler = Pick(form.Handlers);
                var url = form.Action + (handler.Length == 0 ? "" : "?handler=" + handler) + (random.Next(6) == 0 ? (handler.Length == 0 ? "?" : "&") + "handler=" + Pick(form.Handlers) : "");
                var body = Body(form, token, real);
                await CheckAsync(await agent.SendAsync(HttpMethod.Post, url, body), $"POST {url} {await Shown(body)}", failures);
                if (kiosk) await UnlockAsync(agent, form.Page);
                if (!await agent.IsSignedInAsync()) Assert.Fail($"the agent's session ended after POST {url}");
            }

        var gets = new List<string>
        {
            "/procedures?status={0}&q={1}&page={2}", "/procedures?page={0}", "/contacts?q={0}", "/dev/outbox?to={0}", "/documents/{0}/file",
            "/procedures/{0}?handler=signedDocument", "/procedures/{0}/version", "/procedures/{0}", "/contacts/{0}", "/procedures/new?documentId={0}", "/procedures/new?brouillon={0}",
            "/documents/upload?returnTo={0}", "/procedures/{0}/face-a-face", "/documents", "/login?returnUrl={0}", "/a-propos?handler={0}",
            "/procedures/" + launched.Str("id") + "?handler={0}", "/procedures/" + draft.Str("id") + "/face-a-face?handler={0}", "/contacts/new?handler={0}",
            "/procedures/new?handler={0}&documentId={1}", "/dev/outbox?handler={0}&to={1}",
        };
        foreach (var pattern in gets)
            for (var i = 0; i < CasesPerForm; i++)
            {
                var inPath = !pattern.Contains("={0}", StringComparison.Ordinal);
                var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern,
                    GetValue(real, inPath), GetValue(real), GetValue(real));
                await CheckAsync(await agent.GetAsync(url), $"GET {url[..Math.Min(url.Length, 200)]}", failures);
                if (url.Contains("face-a-face", StringComparison.Ordinal)) await UnlockAsync(agent, $"/procedures/{inPerson.Str("id")}/face-a-face");
            }

        Assert.True(failures.Count == 0, $"{failures.Count} answer(s) were server errors:\n" + string.Join("\n", failures.Distinct().Take(40)));
    }

    /// <summary>
    /// Opening face to face locks the agent's session to that kiosk (KioskSessions); the agent unlocks it with the
    /// password, as at the agency, so that the fuzzing keeps reaching every other page.
    /// </summary>
    private static async Task UnlockAsync(AgentBrowser agent, string kiosk)
    {
        using var _ = await agent.PostFormAsync(kiosk, kiosk + "?handler=Unlock", new() { ["UnlockPassword"] = Password });
    }

    /// <summary>A query or path value: not U+0000 in a path (the test host throws before the app), kept under URL limits.</summary>
    private string GetValue(IReadOnlyList<string> real, bool inPath = false)
    {
        var v = Value(real);
        if (inPath) v = v.Replace("%00", "", StringComparison.Ordinal) is { Length: > 0 } p ? p : "x";
        return v.Length > 3000 ? v[..3000].TrimEnd('%').TrimEnd('%') : v;
    }

    /// <summary>Seen: `POST /sign/{token}?handler=nope` rendered the signing page without running any handler → 500.</summary>
    [Fact]
    public async Task AHandlerThePageDoesNotHaveIsRefusedNotRenderedEmpty()
    {
        var (email, _, api) = await NewAgencyAsync();
        var (launched, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        var signer = new AgentBrowser(app, "198.51.100." + random.Next(1, 250));
        var agent = new AgentBrowser(app, "203.0.113." + random.Next(1, 99));
        using (var login = await agent.LogInAsync(email, Password)) Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        foreach (var (browser, page) in new[] { (signer, $"/sign/{token}"), (agent, $"/procedures/{launched.Str("id")}"), (agent, "/procedures/new") })
        {
            foreach (var (url, expected) in new[] { (page + "?handler=nope", HttpStatusCode.NotFound), (page, HttpStatusCode.MethodNotAllowed) })
            {
                using var response = await browser.PostFormAsync(page, url, new() { ["Consent"] = "true", ["CancelReason"] = "x" });
                Assert.True(expected == response.StatusCode, $"POST {url}: {(int)response.StatusCode}");
                var html = await response.Content.ReadAsStringAsync();
                Assert.Contains(expected == HttpStatusCode.MethodNotAllowed ? "Action impossible" : "Page introuvable", html, StringComparison.Ordinal);
            }
            using var get = await browser.GetAsync(page + "?handler=nope"); // falls back to the page's OnGet, as Razor Pages does
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }
        // The real handlers still run: the signing page still opens and declines.
        using var decline = await signer.PostFormAsync($"/sign/{token}", $"/sign/{token}?handler=Decline", new() { ["DeclineReason"] = "Je refuse.", ["ConfirmDecline"] = "true" });
        Assert.Equal(HttpStatusCode.OK, decline.StatusCode);
        Assert.Equal("declined", (await api.ProcedureAsync(launched.Str("id"))).Str("status"));
    }

    /// <summary>Seen: `Signers.Index=0&Signers.Index=NaN` bound a null row and the new-procedure page answered 500.</summary>
    [Fact]
    public async Task AnIndexWithoutItsRowBindsNoNullRow()
    {
        var (email, _, api) = await NewAgencyAsync();
        var contact = await api.CreateContactAsync();
        var document = (await api.UploadPdfAsync()).Str("id");
        var (launched, _) = await api.LaunchedAsync("remote", signers: 1);
        var agent = new AgentBrowser(app, "203.0.113." + random.Next(1, 99));
        using (var login = await agent.LogInAsync(email, Password)) Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        var token = await TokenAsync(agent, "/procedures/new");
        var form = $"DocumentId={document}&Mode=remote&Signers.Index=0&Signers.Index=NaN&Signers.Index=1e309&Signers%5B0%5D.Who=contact%3A{contact.Str("id")}"
                   + $"&Signers%5B0%5D.Role=vendeur&__RequestVerificationToken={Uri.EscapeDataString(token!)}";
        using var draft = await agent.SendAsync(HttpMethod.Post, "/procedures/new?handler=Draft",
            new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.Redirect, draft.StatusCode); // the one real row makes the draft
        var id = draft.Headers.Location!.OriginalString.Split('/')[^1];
        Assert.Single((await api.ProcedureAsync(id)).Signers());

        token = await TokenAsync(agent, $"/procedures/{launched.Str("id")}");
        using var correct = await agent.SendAsync(HttpMethod.Post, $"/procedures/{launched.Str("id")}?handler=Correct",
            new StringContent($"Corrections.Index=x&Corrections.Index=y&__RequestVerificationToken={Uri.EscapeDataString(token!)}", Encoding.ASCII,
                "application/x-www-form-urlencoded"));
        Assert.True((int)correct.StatusCode < 500, $"correct with index-only rows: {(int)correct.StatusCode}");
    }

    [Fact]
    public async Task TheSignersFormsAndTheLoginAnswerGeneratedInputWithoutAServerError()
    {
        var (_, _, api) = await NewAgencyAsync();
        var failures = new List<string>();
        var real = new List<string> { "draw", "type", "Jeanne Durand", "123456" };
        var fields = new[] { "Consent", "SignatureImage", "TypedName", "Method", "DeclineReason", "Otp" };
        for (var round = 0; round < 4; round++)
        {
            var (_, contacts) = await api.LaunchedAsync("remote", signers: 1);
            var token = await api.SigningTokenAsync(contacts[0].Str("email"));
            var signer = new AgentBrowser(app, "198.51.100." + random.Next(1, 250));
            var form = new Form($"/sign/{token}", $"/sign/{token}", ["Sign", "Otp", "Decline", "nope", ""], fields, [])
            {
                Plausible = new()
                {
                    ["Consent"] = ["true"], ["SignatureImage"] = [Pngs.DataUrl(Pngs.Drawing())], ["TypedName"] = ["Jeanne Durand"], ["Method"] = ["draw", "type"],
                    ["DeclineReason"] = ["Le prix a changé"], ["Otp"] = ["123456"],
                },
            };
            for (var i = 0; i < CasesPerForm; i++)
            {
                var handler = Pick(form.Handlers);
                var target = random.Next(6) == 0 ? "/sign/" + Pick(["x", token + "x", token[..10], new string('a', 2000)]) : form.Action;
                var url = target + (handler.Length == 0 ? "" : "?handler=" + handler);
                await CheckAsync(await signer.SendAsync(HttpMethod.Post, url, Body(form, await TokenAsync(signer, form.Page), real)), $"POST {url[..Math.Min(url.Length, 120)]}", failures);
            }
            await CheckAsync(await signer.GetAsync($"/sign/{token}?handler={GetValue(real)}"), "GET /sign?handler=…", failures);
        }

        var visitor = new AgentBrowser(app, "192.0.2." + random.Next(1, 250));
        var login = new Form("/login", "/login", ["", "nope"], ["Email", "Password", "ReturnUrl"], [])
        {
            Plausible = new() { ["Email"] = ["personne@agence.fr"], ["Password"] = ["faux"], ["ReturnUrl"] = ["/contacts", "//evil.example", "https://evil.example/"] },
        };
        for (var i = 0; i < CasesPerForm * 2; i++)
        {
            var url = "/login" + (random.Next(3) == 0 ? "?returnUrl=" + GetValue(real) : "");
            await CheckAsync(await visitor.SendAsync(HttpMethod.Post, url, Body(login, await TokenAsync(visitor, "/login"), real)), $"POST {url[..Math.Min(url.Length, 120)]}", failures);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} answer(s) were server errors:\n" + string.Join("\n", failures.Distinct().Take(40)));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class PageFuzzingOnSqlite(SqliteApp app) : PageFuzzing(app);

[Collection(PostgresCollection.Name)]
public sealed class PageFuzzingOnPostgres(PostgresApp app) : PageFuzzing(app);
