using System.Text.Json;
using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>The signer's page at phone size, driven like a client would.</summary>
public class SignerOnAPhone(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    [Fact]
    public async Task DrawsASignatureAndSignsFromTheLinkInTheOutbox()
    {
        var contact = await _api.ContactAsync("Lucie", "Bernard", "lucie.bernard@example.fr", "06 11 22 33 44");
        var procedure = await _api.LaunchedRemoteAsync(await _api.DocumentAsync("Bail meublé rue Caulaincourt"), contact);
        var link = await _api.SigningLinkForAsync("lucie.bernard@example.fr");

        await using var phone = await app.PhoneContextAsync();
        var page = await phone.NewPageAsync();
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByTestId("sign-title")).ToHaveTextAsync("Bail meublé rue Caulaincourt");
        Assert.Equal(390, await page.EvaluateAsync<int>("document.documentElement.scrollWidth"));

        // Without consent the page refuses and keeps the drawing.
        await Gestures.DrawSignatureAsync(page);
        await page.GetByTestId("sign-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("error-message")).ToContainTextAsync("Lu et approuvé");
        await BrowserApp.ScreenshotAsync(page, "signer-phone-consent-missing");

        await page.GetByTestId("consent").CheckAsync();
        await page.GetByTestId("sign-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sign-done")).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "signer-phone-signed");

        var state = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedure}");
        Assert.Equal("completed", state.GetProperty("status").GetString());
        var signer = state.GetProperty("signers")[0];
        Assert.Equal("signed", signer.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, signer.GetProperty("opened_at").ValueKind);
    }

    [Fact]
    public async Task ACancelledProceduresLinkSaysWhyItNoLongerWorks()
    {
        var contact = await _api.ContactAsync("Hugo", "Petit", "hugo.petit@example.fr", "07 61 22 33 44");
        var procedure = await _api.LaunchedRemoteAsync(await _api.DocumentAsync("Mandat de vente"), contact);
        var link = await _api.SigningLinkForAsync("hugo.petit@example.fr");
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/procedures/{procedure}/cancel", new { reason = "Erreur de prix" });

        await using var phone = await app.PhoneContextAsync();
        var page = await phone.NewPageAsync();
        var response = await page.GotoAsync(link);

        Assert.Equal(410, response!.Status);
        await Assertions.Expect(page.GetByTestId("gone-message")).ToContainTextAsync("annulée");
        await Assertions.Expect(page.GetByTestId("sign-button")).ToHaveCountAsync(0);
        await BrowserApp.ScreenshotAsync(page, "signer-phone-cancelled-link");
    }
}
