using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>
/// « Maintenant en face à face »: the agent opens the session from the status page and hands the device to each
/// signer in turn. Nothing is sent — except, with the code option, each signer's code to their own mobile.
/// </summary>
public class FaceToFaceOnOneDevice(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    [Fact]
    public async Task TwoSignersSignInTurnOnTheAgentsDeviceAndNothingIsSent()
    {
        var first = await _api.ContactAsync("Hélène", "Petit", "helene.petit@example.fr", "06 11 22 33 44");
        var second = await _api.ContactAsync("Karim", "Benali", "karim.benali@example.fr", "06 22 33 44 55");
        var procedure = await _api.LaunchedInPersonAsync(await _api.DocumentAsync("Mandat de vente rue Paradis"), otp: false, first, second);

        await using var desk = await app.AgentContextAsync();
        var page = await desk.NewPageAsync();
        await Gestures.LogInAsync(page);
        await page.GotoAsync($"/procedures/{procedure}");
        await page.GetByTestId("open-in-person").ClickAsync();
        await Assertions.Expect(page.GetByTestId("handover")).ToHaveTextAsync("Passez l'appareil à Hélène Petit");

        // Signer 1 draws, ticks, but types someone else's name: refused, and nothing she did is lost.
        await page.GetByTestId("confirmed-name").FillAsync("Karim Benali");
        await page.GetByTestId("consent-checkbox").CheckAsync();
        await Gestures.DrawSignatureAsync(page);
        await page.GetByTestId("sign-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("error-message")).ToContainTextAsync("Le nom saisi ne correspond pas au signataire (Hélène Petit)");
        await AssertDrawingKeptAsync(page);
        await Assertions.Expect(page.GetByTestId("consent-checkbox")).ToBeCheckedAsync();

        await page.GetByTestId("confirmed-name").FillAsync("helene petit");
        await page.GetByTestId("sign-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("flash")).ToHaveTextAsync("Signature de Hélène Petit enregistrée. Passez l'appareil à Karim Benali.");
        await Assertions.Expect(page.GetByTestId("handover")).ToHaveTextAsync("Passez l'appareil à Karim Benali");
        await BrowserApp.ScreenshotAsync(page, "face-to-face-handover");

        // Signer 2 starts from a blank form and types his name as his signature.
        await Assertions.Expect(page.GetByTestId("confirmed-name")).ToHaveValueAsync("");
        await Assertions.Expect(page.GetByTestId("consent-checkbox")).Not.ToBeCheckedAsync();
        await page.GetByTestId("confirmed-name").FillAsync("Karim Benali");
        await page.GetByTestId("consent-checkbox").CheckAsync();
        await page.GetByTestId("typed-name").FillAsync("Karim Benali");
        await page.GetByTestId("sign-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("in-person-complete")).ToBeVisibleAsync();

        await Gestures.UnlockKioskAsync(page); // the tablet comes back to the agent
        await page.GotoAsync($"/procedures/{procedure}");
        await Assertions.Expect(page.GetByTestId("status-badge").First).ToContainTextAsync("Terminée");
        await Assertions.Expect(page.Locator("[data-testid=signer-status][data-status=signed]")).ToHaveCountAsync(2);

        var state = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedure}");
        Assert.Equal("completed", state.GetProperty("status").GetString());
        Assert.Equal(["in_person", "in_person"], await SignedMethodsAsync(procedure));
        // Nothing to sign was sent; the signed document may already be on its way by email once sealed.
        foreach (var s in state.GetProperty("signers").EnumerateArray())
            Assert.All(s.GetProperty("notifications").EnumerateArray(), n => Assert.Equal("completion", n.GetProperty("purpose").GetString()));
        var outbox = await _api.SendAsync(HttpMethod.Get, "/api/v1/dev/outbox?limit=500");
        Assert.DoesNotContain(outbox.EnumerateArray(), m => m.GetProperty("to").GetString() is
            "helene.petit@example.fr" or "karim.benali@example.fr" or "+33611223344" or "+33622334455"
            && m.GetProperty("subject").GetString()?.StartsWith("Document signé", StringComparison.Ordinal) != true);
    }

    [Fact]
    public async Task WithTheCodeOptionTheSignerTypesTheCodeFromTheirPhoneAndAWrongOneLosesNothing()
    {
        var contact = await _api.ContactAsync("Lucie", "Garnier", "lucie.garnier@example.fr", "06 33 44 55 66");
        var procedure = await _api.LaunchedInPersonAsync(await _api.DocumentAsync("Bail rue Sainte"), otp: true, contact);

        await using var desk = await app.AgentContextAsync();
        var page = await desk.NewPageAsync();
        await Gestures.LogInAsync(page);
        await page.GotoAsync($"/procedures/{procedure}");
        await page.GetByTestId("open-in-person").ClickAsync();

        await page.GetByTestId("confirmed-name").FillAsync("Lucie Garnier");
        await page.GetByTestId("consent-checkbox").CheckAsync();
        await Gestures.DrawSignatureAsync(page);
        var send = page.GetByTestId("otp-send");
        await Assertions.Expect(send).ToHaveTextAsync("Recevoir le code par SMS");
        await send.ClickAsync();
        await Assertions.Expect(page.GetByTestId("otp-sent")).ToHaveTextAsync("Code envoyé au 06 •• •• •• 66");
        Assert.StartsWith("data:image/png;base64,", await page.Locator("[data-signature-image]").InputValueAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("[data-pad-status]")).ToHaveTextAsync("Signature dessinée."); // the page stayed
        await Assertions.Expect(page.GetByTestId("confirmed-name")).ToHaveValueAsync("Lucie Garnier");

        var code = await _api.SigningCodeForAsync("+33633445566");
        var input = page.GetByTestId("otp-input");
        Assert.Equal("numeric", await input.GetAttributeAsync("inputmode"));
        await input.FillAsync(code == "000000" ? "111111" : "000000");
        await page.GetByTestId("sign-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("error-message")).ToContainTextAsync("Code incorrect. Il vous reste 4 essais.");
        await AssertDrawingKeptAsync(page);
        await Assertions.Expect(page.GetByTestId("consent-checkbox")).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByTestId("otp-input")).ToHaveValueAsync("");
        await Assertions.Expect(send).ToHaveTextAsync("Renvoyer un code");
        await BrowserApp.ScreenshotAsync(page, "face-to-face-wrong-code");

        await page.GetByTestId("otp-input").FillAsync(code);
        await page.GetByTestId("sign-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("in-person-complete")).ToBeVisibleAsync();

        Assert.Equal(["in_person_otp"], await SignedMethodsAsync(procedure));
        var outbox = await _api.SendAsync(HttpMethod.Get, "/api/v1/dev/outbox?limit=500");
        var mine = outbox.EnumerateArray().Where(m => m.GetProperty("to").GetString() is "lucie.garnier@example.fr" or "+33633445566"
            && m.GetProperty("subject").GetString()?.StartsWith("Document signé", StringComparison.Ordinal) != true).ToList();
        var sms = Assert.Single(mine); // the code, and no invitation
        Assert.Contains("code de signature", sms.GetProperty("body").GetString());
    }

    private async Task<List<string>> SignedMethodsAsync(string procedure)
    {
        var audit = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedure}/audit");
        return audit.GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "signer.signed")
            .Select(e => e.GetProperty("data").GetProperty("method").GetString()!).ToList();
    }

    private static async Task AssertDrawingKeptAsync(IPage page)
    {
        var image = await page.Locator("[data-signature-image]").InputValueAsync();
        Assert.StartsWith("data:image/png;base64,", image, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("[data-pad-status]")).ToHaveTextAsync("Votre signature est conservée.");
    }
}
