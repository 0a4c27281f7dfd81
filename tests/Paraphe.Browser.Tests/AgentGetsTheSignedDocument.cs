using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Paraphe.Testing;

namespace Paraphe.Browser.Tests;

/// <summary>
/// After the last signature: the status page turns « Signé et certifié » by itself, the agent downloads the sealed PDF
/// (pdfsig accepts its seal), sends it to the notary (typo caught, suggestion used, message in the dev outbox with a
/// working download link), and the public « Vérifier » page tells the intact file from a modified copy.
/// </summary>
public partial class AgentGetsTheSignedDocument(BrowserApp app) : IClassFixture<BrowserApp>
{
    private static readonly TimeSpan Sealing = TimeSpan.FromSeconds(45);
    private readonly DemoApi _api = new(app);

    private sealed record Signed(string Id, string Title, string[] Names);

    [Fact]
    public async Task TheAgentDownloadsTheSealedDocument()
    {
        var procedure = await FaceToFaceAsync("Compromis 12 avenue Foch", ("Camille", "Rousseau"), ("Théo", "Garnier"));
        var signers = await SignersAsync(procedure.Id);
        await SignInPersonAsync(procedure.Id, signers[0]);

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/{procedure.Id}");
        await Assertions.Expect(agent.GetByTestId("status-badge")).ToHaveAttributeAsync("data-status", "ongoing");
        await Assertions.Expect(agent.GetByTestId("sealed-badge")).ToHaveCountAsync(0);

        // The last signature, made elsewhere: the open page shows the sealed document without being reloaded.
        await SignInPersonAsync(procedure.Id, signers[1]);
        await Assertions.Expect(agent.GetByTestId("sealed-badge")).ToHaveTextAsync("Signé et certifié", new() { Timeout = (float)Sealing.TotalMilliseconds });
        await Assertions.Expect(agent.GetByTestId("status-badge")).ToHaveAttributeAsync("data-status", "completed");

        var pdf = await DownloadSignedAsync(agent);
        var state = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedure.Id}");
        Assert.Equal(state.GetProperty("sealed_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(pdf)));
        await Assertions.Expect(agent.GetByTestId("sealed-sha256")).ToHaveTextAsync(Convert.ToHexStringLower(SHA256.HashData(pdf)));

        var report = await PdfsigAsync(pdf);
        Assert.Contains("Signature is Valid.", report, StringComparison.Ordinal);
        Assert.Contains("ETSI.CAdES.detached", report, StringComparison.Ordinal);
        var pages = (await PdfText.PagesAsync(pdf)).Select(Flat).ToList();
        // The certificate, from its first page on (its chronology may go on a next page).
        var evidence = string.Join(' ', pages.SkipWhile(p => !p.Contains("Certificat de preuve", StringComparison.Ordinal)));
        Assert.Contains("Certificat de preuve", evidence, StringComparison.Ordinal);
        Assert.All(procedure.Names, name => Assert.Contains(name, evidence, StringComparison.Ordinal));
        Assert.All(procedure.Names, name => Assert.Contains(pages, p => p.Contains($"Signé électroniquement par {name}", StringComparison.Ordinal)));
        await BrowserApp.ScreenshotAsync(agent, "status-sealed");
    }

    [Fact]
    public async Task TheNotaryEmailAppearsInTheDevOutbox()
    {
        var procedure = await SealedAsync("Vente maison 4 chemin des Vignes", ("Inès", "Lambert"), ("Hugo", "Perrin"));
        const string typo = "etude.martin@gmial.com", notary = "etude.martin@gmail.com";

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/{procedure.Id}");
        await Assertions.Expect(agent.GetByTestId("sealed-badge")).ToBeVisibleAsync();

        await agent.GetByTestId("notary-open").ClickAsync();
        await agent.GetByTestId("notary-email").FillAsync(typo);
        await agent.GetByTestId("notary-send").ClickAsync();

        // Refused, in French, with the likely address offered; the form stays open with what was typed.
        var form = agent.GetByTestId("notary-form");
        await Assertions.Expect(form.GetByTestId("field-error")).ToContainTextAsync($"Vouliez-vous dire {notary} ?");
        await Assertions.Expect(agent.GetByTestId("notary-email")).ToHaveValueAsync(typo);
        var suggestion = form.GetByTestId("notary-suggestion");
        await Assertions.Expect(suggestion).ToHaveTextAsync($"Utiliser {notary}");
        Assert.Empty(NotaryMessages(await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedure.Id}")));
        await BrowserApp.ScreenshotAsync(agent, "status-notary-typo");

        await suggestion.ClickAsync();
        await Assertions.Expect(agent.GetByTestId("flash")).ToContainTextAsync($"Lien du document signé envoyé au notaire ({notary})");
        var sent = Assert.Single(NotaryMessages(await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedure.Id}")));
        Assert.Equal(notary, sent.GetProperty("to").GetString());

        var messages = agent.GetByTestId("signed-document").GetByTestId("document-messages");
        await Assertions.Expect(agent.GetByTestId("signed-document")).ToContainTextAsync("Envois du document signé");
        var notaryMessage = messages.GetByTestId("notification").Filter(new() { HasTextString = notary });
        await Assertions.Expect(notaryMessage).ToContainTextAsync("envoi au notaire");
        // The dispatcher delivers it to the capture outbox; the open page follows without a reload.
        await Assertions.Expect(notaryMessage).Not.ToHaveAttributeAsync("data-status", "queued", new() { Timeout = 30_000 });
        await BrowserApp.ScreenshotAsync(agent, "status-sealed-sent-to-notary");

        var outbox = await desk.NewPageAsync();
        await outbox.GotoAsync($"/dev/outbox?to={Uri.EscapeDataString(notary)}");
        var mail = outbox.GetByTestId("outbox-message").First;
        await Assertions.Expect(mail.GetByTestId("outbox-to-value")).ToHaveTextAsync(notary);
        await Assertions.Expect(mail.GetByTestId("outbox-subject")).ToContainTextAsync($"vous transmet « {procedure.Title} », signé");
        var link = mail.GetByTestId("outbox-link").Filter(new() { HasTextRegex = new Regex("/telechargement/") });
        await Assertions.Expect(link).ToHaveCountAsync(1);
        await BrowserApp.ScreenshotAsync(outbox, "dev-outbox-notary");

        // The link works without the agent's session, as the notary would open it.
        await using var notaryDesk = await app.Browser.NewContextAsync(new() { BaseURL = app.BaseUrl });
        var download = await notaryDesk.APIRequest.GetAsync(await link.GetAttributeAsync("href") ?? "");
        Assert.Equal(200, download.Status);
        Assert.StartsWith("application/pdf", download.Headers["content-type"], StringComparison.Ordinal);
        var pdf = await download.BodyAsync();
        var state = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedure.Id}");
        Assert.Equal(state.GetProperty("sealed_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(pdf)));
    }

    [Fact]
    public async Task TheVerifyPageSaysIntactForTheDownloadAndModifiedForACopyWithOneByteChanged()
    {
        var procedure = await SealedAsync("Bail 7 rue de la Paix", ("Margaux", "Dubois"), ("Nathan", "Leroy"));
        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/{procedure.Id}");
        var pdf = await DownloadSignedAsync(agent);

        // Verifying is public: a visitor without an account.
        await using var visitor = await app.Browser.NewContextAsync(new() { BaseURL = app.BaseUrl, Locale = "fr-FR", ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await visitor.NewPageAsync();
        await page.GotoAsync("/verifier");
        await page.GetByTestId("verify-file").SetInputFilesAsync(new FilePayload { Name = "document-signe.pdf", MimeType = "application/pdf", Buffer = pdf });
        await page.GetByTestId("verify-button").ClickAsync();
        var result = page.GetByTestId("verify-result");
        await Assertions.Expect(result).ToHaveAttributeAsync("data-result", "intact");
        await Assertions.Expect(result.GetByTestId("verify-title")).ToHaveTextAsync(procedure.Title);
        await Assertions.Expect(result.GetByTestId("verify-procedure")).ToHaveTextAsync(procedure.Id);
        foreach (var name in procedure.Names) await Assertions.Expect(result.GetByTestId("verify-signers")).ToContainTextAsync(name);
        await BrowserApp.ScreenshotAsync(page, "verifier-intact");

        var tampered = (byte[])pdf.Clone();
        var at = tampered.AsSpan().IndexOf("Page 1 / "u8);
        Assert.True(at > 0, "the page text is in a content stream");
        tampered[at + 5] = (byte)'7';
        await page.GetByTestId("verify-file").SetInputFilesAsync(new FilePayload { Name = "document-modifie.pdf", MimeType = "application/pdf", Buffer = tampered });
        await page.GetByTestId("verify-button").ClickAsync();
        result = page.GetByTestId("verify-result");
        await Assertions.Expect(result).ToHaveAttributeAsync("data-result", "modified");
        await Assertions.Expect(result.GetByTestId("verify-detail")).ToContainTextAsync("empreinte");
        await Assertions.Expect(result.GetByTestId("verify-title")).ToHaveTextAsync(procedure.Title); // where it came from
        await BrowserApp.ScreenshotAsync(page, "verifier-modified");

        await page.GotoAsync("/a-propos");
        await Assertions.Expect(page.GetByTestId("seal-certificate")).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "a-propos");
    }

    /// <summary>A launched face-to-face procedure with these signers, in this order.</summary>
    private async Task<Signed> FaceToFaceAsync(string title, params (string First, string Last)[] people)
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var contacts = new List<string>();
        for (var i = 0; i < people.Length; i++)
            contacts.Add(await _api.ContactAsync(people[i].First, people[i].Last,
                $"{people[i].First.ToLowerInvariant()}.{tag}@example.fr".Replace('è', 'e').Replace('é', 'e'), $"06 12 34 56 {10 + i}"));
        var created = await _api.SendAsync(HttpMethod.Post, "/api/v1/procedures", new
        {
            document_id = await _api.DocumentAsync(title), mode = "in_person",
            signers = contacts.Select(c => new { contact_id = c, role = "partie" }).ToArray(),
        });
        var id = created.GetProperty("id").GetString()!;
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/procedures/{id}/launch");
        return new Signed(id, title, people.Select(p => $"{p.First} {p.Last}").ToArray());
    }

    /// <summary>A face-to-face procedure signed by everyone and sealed.</summary>
    private async Task<Signed> SealedAsync(string title, params (string First, string Last)[] people)
    {
        var procedure = await FaceToFaceAsync(title, people);
        foreach (var signer in await SignersAsync(procedure.Id)) await SignInPersonAsync(procedure.Id, signer);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while ((await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedure.Id}")).GetProperty("sealed_at").ValueKind
               == System.Text.Json.JsonValueKind.Null)
        {
            if (watch.Elapsed > Sealing) throw new Xunit.Sdk.XunitException($"{procedure.Id} was not sealed after {Sealing}.");
            await Task.Delay(100);
        }
        return procedure;
    }

    private async Task<(string Id, string Name)[]> SignersAsync(string procedureId) =>
        (await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedureId}")).GetProperty("signers").EnumerateArray()
        .Select(s => (s.GetProperty("id").GetString()!, $"{s.GetProperty("first_name").GetString()} {s.GetProperty("last_name").GetString()}"))
        .ToArray();

    private Task SignInPersonAsync(string procedureId, (string Id, string Name) signer) =>
        _api.SendAsync(HttpMethod.Post, $"/api/v1/procedures/{procedureId}/signers/{signer.Id}/sign-in-person",
            new { consent = true, confirmed_name = signer.Name, typed_name = signer.Name });

    private static List<System.Text.Json.JsonElement> NotaryMessages(System.Text.Json.JsonElement procedure) =>
        procedure.GetProperty("notifications").EnumerateArray().Where(n => n.GetProperty("purpose").GetString() == "notary").ToList();

    /// <summary>Clicks « Télécharger le document signé » and returns the file the browser saved.</summary>
    private static async Task<byte[]> DownloadSignedAsync(IPage agent)
    {
        var link = agent.GetByTestId("download-signed");
        await Assertions.Expect(link).ToHaveTextAsync("Télécharger le document signé");
        var download = await agent.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.EndsWith(".pdf", download.SuggestedFilename, StringComparison.Ordinal);
        var pdf = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.True(pdf.AsSpan().StartsWith("%PDF-"u8), "the download is a PDF");
        return pdf;
    }

    private async Task<string> PdfsigAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"paraphe-browser-signed-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try { return await Pdfsig.VerifyAsync(path, Path.Combine(app.DataDirectory, "sealing", "dev-ca.pem")); }
        finally { File.Delete(path); }
    }

    /// <summary>pdftotext breaks lines where the layout does: compare on single spaces.</summary>
    private static string Flat(string text) => Spaces().Replace(text, " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
