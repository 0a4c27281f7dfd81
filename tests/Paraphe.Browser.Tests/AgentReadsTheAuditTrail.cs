using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>
/// The status page's « Journal de preuve » names every event in French, from the audit catalogue (the codes by SMS
/// included), on the agent's phone and tablet; the sealed document's certificate carries the same trail, worded.
/// </summary>
public partial class AgentReadsTheAuditTrail(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    [Theory]
    [InlineData("phone", 390, 844)]
    [InlineData("tablet", 820, 1180)]
    public async Task EveryEventOfASignatureWithACodeHasItsFrenchLabel(string device, int width, int height)
    {
        var contact = await _api.ContactAsync("Anaïs", "Girard", $"anais.girard.{device}@example.fr", device == "phone" ? "06 55 44 33 21" : "06 55 44 33 22");
        var procedure = await _api.LaunchedRemoteWithCodeAsync(await _api.DocumentAsync("Compromis rue des Martyrs"), contact);
        var link = await _api.SigningLinkForAsync($"anais.girard.{device}@example.fr");
        var token = link[(link.IndexOf("/sign/", StringComparison.Ordinal) + "/sign/".Length)..];
        using var signer = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        Assert.True((await signer.GetAsync($"/api/v1/signing/{token}")).IsSuccessStatusCode);
        Assert.True((await signer.PostAsync($"/api/v1/signing/{token}/otp", null)).IsSuccessStatusCode);
        var code = await _api.SigningCodeForAsync(device == "phone" ? "+33655443321" : "+33655443322");
        Assert.False((await signer.PostAsync($"/api/v1/signing/{token}/sign",
            JsonContent.Create(new { consent = true, otp = code == "000000" ? "111111" : "000000", typed_name = "Girard" }))).IsSuccessStatusCode);
        Assert.True((await signer.PostAsync($"/api/v1/signing/{token}/sign",
            JsonContent.Create(new { consent = true, otp = code, typed_name = "Girard" }))).IsSuccessStatusCode);
        await WaitForSealedAsync(procedure);

        await using var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl, Locale = "fr-FR", ViewportSize = new() { Width = width, Height = height },
            DeviceScaleFactor = 2, IsMobile = device == "phone", HasTouch = true,
        });
        var agent = await context.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/{procedure}");
        var trail = agent.GetByTestId("audit-trail");
        await Assertions.Expect(trail.GetByTestId("audit-chain")).ToHaveAttributeAsync("data-valid", "true");
        var rows = trail.GetByTestId("audit-event");
        await Assertions.Expect(trail.Locator("[data-type='procedure.sealed']")).ToHaveCountAsync(1);
        foreach (var (type, label) in new[]
                 {
                     ("procedure.launched", "Procédure lancée"), ("signer.link_opened", "Lien ouvert"),
                     ("signer.otp_sent", "Code envoyé par SMS"), ("signer.otp_failed", "Code erroné"),
                     ("signer.otp_verified", "Code vérifié"), ("signer.signed", "Signature"),
                     ("procedure.sealed", "Document signé et certifié (scellé)"),
                 })
            await Assertions.Expect(trail.Locator($"[data-type='{type}']").First.Locator("td").Nth(2)).ToContainTextAsync(label);
        // No row is named by its stored type.
        foreach (var cell in await rows.Locator("td:nth-child(3)").AllInnerTextsAsync())
            Assert.DoesNotMatch(StoredType(), cell.Split('\n')[0]);
        await trail.ScrollIntoViewIfNeededAsync();
        await BrowserApp.ScreenshotAsync(agent, $"agent-audit-trail-{device}");
        await trail.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(BrowserApp.ArtifactsDirectory, $"agent-audit-trail-{device}-journal.png") });

        var pdf = await _api.SignedDocumentAsync(procedure);
        await File.WriteAllBytesAsync(Path.Combine(BrowserApp.ArtifactsDirectory, $"sealed-with-chronology-{device}.pdf"), pdf);
        var evidence = string.Join(' ', (await Paraphe.Testing.PdfText.PagesAsync(pdf))
            .SkipWhile(p => !p.Contains("Certificat de preuve", StringComparison.Ordinal)));
        Assert.Contains("Chronologie", evidence, StringComparison.Ordinal);
        Assert.Contains("Saisie d'un code de signature erroné (Anaïs Girard)", Regex.Replace(evidence, "\\s+", " "), StringComparison.Ordinal);
    }

    private async Task WaitForSealedAsync(string procedure)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var state = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedure}");
            if (state.GetProperty("sealed_at").ValueKind == System.Text.Json.JsonValueKind.String) return;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException("The procedure was never sealed within 30 s.");
    }

    [GeneratedRegex("^[a-z]+\\.[a-z_]+$")]
    private static partial Regex StoredType();
}
