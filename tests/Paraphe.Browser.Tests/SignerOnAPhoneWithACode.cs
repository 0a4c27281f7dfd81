using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>A procedure with a code by SMS, signed on a phone: a wrong code never costs the signer their drawing.</summary>
public class SignerOnAPhoneWithACode(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    [Fact]
    public async Task DrawsRequestsTheCodeSurvivesAWrongOneAndSigns()
    {
        var contact = await _api.ContactAsync("Chloé", "Roux", "chloe.roux@example.fr", "06 55 44 33 78");
        var procedure = await _api.LaunchedRemoteWithCodeAsync(await _api.DocumentAsync("Offre d'achat rue Oberkampf"), contact);
        var link = await _api.SigningLinkForAsync("chloe.roux@example.fr");

        await using var phone = await app.PhoneContextAsync();
        var page = await phone.NewPageAsync();
        await page.GotoAsync(link);
        var input = page.GetByTestId("otp-input");
        Assert.Equal("numeric", await input.GetAttributeAsync("inputmode"));
        Assert.Equal("one-time-code", await input.GetAttributeAsync("autocomplete"));
        await Assertions.Expect(page.GetByTestId("otp-send")).ToHaveTextAsync("Recevoir le code par SMS");

        await Gestures.DrawSignatureAsync(page);
        await page.GetByTestId("consent").CheckAsync();
        await page.GetByTestId("otp-send").ClickAsync();
        await Assertions.Expect(page.GetByTestId("otp-sent")).ToHaveTextAsync("Code envoyé au 06 •• •• •• 78");
        await AssertSignatureKeptAsync(page, reloaded: false); // the page stayed: the drawing never left the pad

        var code = await _api.SigningCodeForAsync("+33655443378");
        await input.FillAsync(code == "000000" ? "111111" : "000000");
        await page.GetByTestId("sign-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("error-message")).ToContainTextAsync("Code incorrect. Il vous reste 4 essais.");
        await AssertSignatureKeptAsync(page);
        await Assertions.Expect(page.GetByTestId("otp-send")).ToHaveTextAsync("Renvoyer un code");
        await BrowserApp.ScreenshotAsync(page, "signer-phone-wrong-code");

        await page.GetByTestId("otp-input").FillAsync(code);
        await page.GetByTestId("sign-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sign-done")).ToBeVisibleAsync();

        var state = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedure}");
        Assert.Equal("completed", state.GetProperty("status").GetString());
    }

    private static async Task AssertSignatureKeptAsync(IPage page, bool reloaded = true)
    {
        await Assertions.Expect(page.GetByTestId("consent")).ToBeCheckedAsync();
        var image = await page.Locator("[data-signature-image]").InputValueAsync();
        Assert.StartsWith("data:image/png;base64,", image, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("[data-pad-status]")).ToHaveTextAsync(reloaded ? "Votre signature est conservée." : "Signature dessinée.");
    }
}
