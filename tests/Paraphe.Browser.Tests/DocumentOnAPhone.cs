using System.Text.Json;
using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>The document on the signing page of a 390-px phone: every page drawn, the signer's place shown.</summary>
public class DocumentOnAPhone(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    // SamplePdfs pages are A4: 595 × 842 points.
    private const double PageWidth = 595, PageHeight = 842;

    [Fact]
    public async Task DrawsEveryPageAndTheSignersBoxOnItsPage()
    {
        var contact = await _api.ContactAsync("Inès", "Moreau", "ines.moreau@example.fr", "06 12 34 56 78");
        var document = await _api.DocumentAsync("Compromis rue des Abbesses", pages: 3);
        var field = new { page = 2, x = 300.0, y = 100.0, width = 180.0, height = 60.0 };
        var created = await _api.SendAsync(HttpMethod.Post, "/api/v1/procedures", new
        {
            document_id = document, mode = "remote",
            signers = new[] { new { contact_id = contact, role = "acquéreur", field } },
        });
        var id = created.GetProperty("id").GetString()!;
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/procedures/{id}/launch");
        var link = await _api.SigningLinkForAsync("ines.moreau@example.fr");

        await using var phone = await app.PhoneContextAsync();
        var page = await phone.NewPageAsync();
        await page.GotoAsync(link);
        var viewer = page.GetByTestId("document-viewer");
        await Assertions.Expect(viewer).ToHaveAttributeAsync("data-state", "ready");
        await Assertions.Expect(page.GetByTestId("open-document")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("signature-place-note")).ToContainTextAsync("page 2");

        var canvases = page.GetByTestId("pdf-page-canvas");
        await Assertions.Expect(canvases).ToHaveCountAsync(3);
        for (var n = 1; n <= 3; n++)
        {
            var figure = page.Locator($"[data-testid=pdf-page][data-page='{n}']");
            await Assertions.Expect(figure.Locator("figcaption")).ToHaveTextAsync($"Page {n} / 3");
            var canvas = figure.GetByTestId("pdf-page-canvas");
            await canvas.ScrollIntoViewIfNeededAsync();
            await Assertions.Expect(canvas).ToHaveAttributeAsync("data-rendered", "true");
            // Drawn for the screen's density (the phone is 2×) and not blank: the page's text is dark ink.
            var drawn = await canvas.EvaluateAsync<JsonElement>("""
                c => {
                    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                    let dark = 0;
                    for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 1] < 128 && data[i + 2] < 128) dark++;
                    return { dark, width: c.width, cssWidth: c.getBoundingClientRect().width };
                }
                """);
            Assert.True(drawn.GetProperty("dark").GetInt32() > 100, $"page {n} looks blank: {drawn}");
            Assert.True(drawn.GetProperty("width").GetDouble() >= 1.9 * drawn.GetProperty("cssWidth").GetDouble(), $"page {n}: {drawn}");
            Assert.True(drawn.GetProperty("cssWidth").GetDouble() >= 300, $"page {n} is not fitted to the phone's width: {drawn}");
        }

        // The box is on page 2 only, where the stamper will put the signature (PDF origin bottom left, y up).
        var boxes = page.GetByTestId("signature-place");
        await Assertions.Expect(boxes).ToHaveCountAsync(1);
        await Assertions.Expect(boxes).ToContainTextAsync("Votre signature ici");
        var onPage2 = page.Locator("[data-testid=pdf-page][data-page='2']").GetByTestId("signature-place");
        await Assertions.Expect(onPage2).ToHaveCountAsync(1);
        await onPage2.ScrollIntoViewIfNeededAsync();
        var frame = await page.Locator("[data-testid=pdf-page][data-page='2'] .pdf-page-frame").BoundingBoxAsync();
        var box = await onPage2.BoundingBoxAsync();
        Assert.NotNull(frame);
        Assert.NotNull(box);
        var tolerance = 0.01;
        Assert.InRange((box.X - frame.X) / frame.Width, field.x / PageWidth - tolerance, field.x / PageWidth + tolerance);
        Assert.InRange(box.Width / frame.Width, field.width / PageWidth - tolerance, field.width / PageWidth + tolerance);
        var expectedTop = (PageHeight - field.y - field.height) / PageHeight;
        Assert.InRange((box.Y - frame.Y) / frame.Height, expectedTop - tolerance, expectedTop + tolerance);
        Assert.InRange(box.Height / frame.Height, field.height / PageHeight - tolerance, field.height / PageHeight + tolerance);

        Assert.Equal(390, await page.EvaluateAsync<int>("document.documentElement.scrollWidth"));
        await BrowserApp.ScreenshotAsync(page, "signer-phone-document-pages");
    }

    [Fact]
    public async Task WithoutAPlaceSaysTheSignatureGoesInTheBlockAtTheEnd()
    {
        var contact = await _api.ContactAsync("Paul", "Roux", "paul.roux@example.fr", "06 22 33 44 55");
        await _api.LaunchedRemoteAsync(await _api.DocumentAsync("Mandat exclusif"), contact);
        var link = await _api.SigningLinkForAsync("paul.roux@example.fr");

        await using var phone = await app.PhoneContextAsync();
        var page = await phone.NewPageAsync();
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByTestId("document-viewer")).ToHaveAttributeAsync("data-state", "ready");
        await Assertions.Expect(page.GetByTestId("pdf-page-canvas")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("signature-place-note")).ToContainTextAsync("« Page des signatures », ajoutée à la fin du document");
        await Assertions.Expect(page.GetByTestId("signature-place")).ToHaveCountAsync(0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task TheFormBelowTheDocumentDoesNotMoveWhenTheDocumentAppears(int pages)
    {
        // A signer taps « Taper mon nom » while the PDF is still loading: if the document pushed the form down when it
        // appeared, the tap would land on something else (seen as a lost click in SignerPhoneSteps).
        var email = $"signataire.{Guid.NewGuid():N}@example.fr";
        var contact = await _api.ContactAsync("Paul", "Girard", email, "06 23 45 67 82");
        var document = await _api.DocumentAsync("Bail rue Oberkampf", pages: pages);
        await _api.LaunchedRemoteAsync(document, contact);
        var link = await _api.SigningLinkForAsync(email);

        await using var phone = await app.PhoneContextAsync();
        var page = await phone.NewPageAsync();
        // The document is held back until the form's place is measured (the page has loaded, pdf.js is waiting for it).
        var measured = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(url => url.EndsWith("/document", StringComparison.Ordinal), async route =>
        {
            held.TrySetResult();
            await measured.Task;
            await route.ContinueAsync();
        });
        await page.GotoAsync(link);
        var viewer = page.GetByTestId("document-viewer");
        await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Assertions.Expect(viewer).ToHaveAttributeAsync("data-state", "loading");
        var tab = page.GetByTestId("tab-type");
        var before = (await tab.BoundingBoxAsync())!.Y + await page.EvaluateAsync<double>("window.scrollY");

        measured.SetResult();
        await Assertions.Expect(viewer).ToHaveAttributeAsync("data-state", "ready");
        await Assertions.Expect(page.GetByTestId("pdf-page-canvas")).ToHaveCountAsync(pages);
        var after = (await tab.BoundingBoxAsync())!.Y + await page.EvaluateAsync<double>("window.scrollY");
        await BrowserApp.ScreenshotAsync(page, $"signer-phone-document-{pages}-pages-loaded");
        Assert.True(Math.Abs(after - before) <= 4,
            $"the form moved by {after - before:0.#} px when the {pages}-page document appeared (before: {before:0.#}, after: {after:0.#})");
    }
}
