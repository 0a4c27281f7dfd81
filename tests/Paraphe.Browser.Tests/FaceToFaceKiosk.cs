using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>
/// Face to face on the agency's tablet (820 × 1180) is a kiosk: the document at full width, no agency menu, no expected
/// name in the field, nowhere else to go, and only the agent's password gives the tablet back to the agent.
/// </summary>
public class FaceToFaceKiosk(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    [Fact]
    public async Task TheClientHoldsAKioskThatOnlyTheAgentsPasswordUnlocks()
    {
        var contact = await _api.ContactAsync("Bérénice", "Aubert", "berenice.aubert@example.fr", "06 71 82 93 04");
        var procedure = await _api.LaunchedInPersonAsync(await _api.DocumentAsync("Bail rue de Rome"), otp: false, contact);

        await using var tablet = await app.TabletContextAsync();
        var page = await tablet.NewPageAsync();
        await Gestures.LogInAsync(page);
        await page.GotoAsync($"/procedures/{procedure}");
        await page.GetByTestId("open-in-person").ClickAsync();

        await Assertions.Expect(page.GetByTestId("kiosk")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("nav")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("back-to-status")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("document-viewer")).ToHaveAttributeAsync("data-state", "ready");
        var name = page.GetByTestId("confirmed-name");
        Assert.DoesNotContain("Aubert", await name.GetAttributeAsync("placeholder") ?? "", StringComparison.OrdinalIgnoreCase);
        await Assertions.Expect(name).ToHaveValueAsync("");

        // The document takes the page's width; the signing form comes under it.
        var documentBox = await page.GetByTestId("face-a-face-document").BoundingBoxAsync() ?? throw new InvalidOperationException("no document");
        var formBox = await page.GetByTestId("in-person-form").BoundingBoxAsync() ?? throw new InvalidOperationException("no form");
        Assert.True(documentBox.Width >= 820 * 0.9, $"the document is {documentBox.Width} px wide on an 820 px tablet");
        Assert.True(formBox.Y >= documentBox.Y + documentBox.Height, "the form is beside the document, not under it");
        await BrowserApp.ScreenshotAsync(page, "tablet-face-a-face-kiosk");

        // Nowhere else to go: every agency page brings the client back here.
        foreach (var elsewhere in new[] { "/procedures", "/contacts", $"/procedures/{procedure}", "/dev/outbox" })
        {
            await page.GotoAsync(elsewhere);
            Assert.EndsWith($"/procedures/{procedure}/face-a-face", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        }

        // A wrong password keeps the kiosk locked.
        await Gestures.UnlockKioskAsync(page, "pas-le-bon");
        await Assertions.Expect(page.GetByTestId("kiosk-unlock-error")).ToContainTextAsync("Mot de passe incorrect. Encore 4 essais");
        await Assertions.Expect(page.GetByTestId("kiosk")).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "tablet-face-a-face-wrong-unlock");

        // The client signs; the tablet stays locked afterwards.
        await name.FillAsync("Bérénice Aubert");
        await page.GetByTestId("consent-checkbox").CheckAsync();
        await page.GetByTestId("typed-name").FillAsync("Bérénice Aubert");
        await page.GetByTestId("sign-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("in-person-complete")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("nav")).ToHaveCountAsync(0);
        await BrowserApp.ScreenshotAsync(page, "tablet-face-a-face-complete");

        await Gestures.UnlockKioskAsync(page);
        await Assertions.Expect(page.GetByTestId("nav")).ToBeVisibleAsync();
        Assert.EndsWith($"/procedures/{procedure}", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("flash")).ToContainTextAsync("l'appareil est de nouveau à vous");
        await page.GotoAsync("/contacts");
        Assert.EndsWith("/contacts", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooManyWrongPasswordsEndTheAgentsSession()
    {
        var contact = await _api.ContactAsync("Noé", "Girard", "noe.girard@example.fr", "06 81 92 03 14");
        var procedure = await _api.LaunchedInPersonAsync(await _api.DocumentAsync("Mandat rue Saint-Ferréol"), otp: false, contact);
        await using var tablet = await app.TabletContextAsync();
        var page = await tablet.NewPageAsync();
        await Gestures.LogInAsync(page);
        await page.GotoAsync($"/procedures/{procedure}/face-a-face");

        for (var i = 0; i < 5; i++) await Gestures.UnlockKioskAsync(page, "essai-" + i);

        Assert.StartsWith("/login", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await page.GotoAsync($"/procedures/{procedure}/face-a-face");
        Assert.StartsWith("/login", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryLayoutNamesTheFaviconAndItIsServed()
    {
        await using var tablet = await app.TabletContextAsync();
        var page = await tablet.NewPageAsync();
        await page.GotoAsync("/login");
        var href = await page.Locator("link[rel=icon][type='image/svg+xml']").GetAttributeAsync("href");
        Assert.StartsWith("/favicon.svg", href, StringComparison.Ordinal);
        foreach (var (path, type) in new[] { ("/favicon.svg", "image/svg+xml"), ("/favicon.ico", "image/") })
        {
            var answer = await page.APIRequest.GetAsync(path);
            Assert.Equal(200, answer.Status);
            Assert.StartsWith(type, answer.Headers["content-type"], StringComparison.Ordinal);
        }
        await page.GotoAsync("/sign/not-a-real-link");
        await Assertions.Expect(page.Locator("link[rel=icon]")).ToHaveCountAsync(2);
        await Gestures.LogInAsync(page);
        await Assertions.Expect(page.Locator("link[rel=icon]")).ToHaveCountAsync(2);
    }
}
