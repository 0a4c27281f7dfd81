using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>
/// The client's phone (390 × 844): asking for the code keeps the signer at the code field, refusing asks for a
/// confirmation in the page, and the thank-you page offers the signed document once it is sealed — with and without
/// JavaScript.
/// </summary>
public class SignerPhoneSteps(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    private async Task<(string Procedure, string Link)> ProcedureAsync(string first, string last, string mobile, bool otp)
    {
        var email = $"signataire.{Guid.NewGuid():N}@example.fr";
        var contact = await _api.ContactAsync(first, last, email, mobile);
        var document = await _api.DocumentAsync("Compromis de vente rue " + last);
        var procedure = otp ? await _api.LaunchedRemoteWithCodeAsync(document, contact) : await _api.LaunchedRemoteAsync(document, contact);
        return (procedure, await _api.SigningLinkForAsync(email));
    }

    private static Task<bool> InViewAndFocusedAsync(ILocator element) =>
        element.EvaluateAsync<bool>("e => { const r = e.getBoundingClientRect(); return document.activeElement === e && r.top >= 0 && r.bottom <= window.innerHeight; }");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AskingForTheCodeKeepsTheSignerAtTheCodeField(bool scripts)
    {
        var (_, link) = await ProcedureAsync("Inès", "Baptiste", "06 41 52 63 74", otp: true);
        await using var phone = scripts ? await app.PhoneContextAsync() : await app.PhoneWithoutScriptsContextAsync();
        var page = await phone.NewPageAsync();
        await page.GotoAsync(link);

        await page.GetByTestId("otp-send").ClickAsync();

        await Assertions.Expect(page.GetByTestId("otp-sent")).ToHaveTextAsync("Code envoyé au 06 •• •• •• 74");
        var input = page.GetByTestId("otp-input");
        await Assertions.Expect(input).ToBeFocusedAsync();
        Assert.True(await InViewAndFocusedAsync(input), "the code field is not in view and focused after the code was sent");
        Assert.True(await page.EvaluateAsync<double>("window.scrollY") > 300, "the page jumped back to the top");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ArtifactsDirectory, $"signer-phone-code-asked{(scripts ? "" : "-no-js")}.png") });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RefusingAsksForAConfirmationFirst(bool scripts)
    {
        var (procedure, link) = await ProcedureAsync("Marc", "Lambert", "06 12 98 76 54", otp: false);
        await using var phone = scripts ? await app.PhoneContextAsync() : await app.PhoneWithoutScriptsContextAsync();
        var page = await phone.NewPageAsync();
        await page.GotoAsync(link);

        await page.GetByTestId("decline-reason").FillAsync("Le prix a changé depuis notre accord.");
        await page.GetByTestId("decline-button").ClickAsync();

        await Assertions.Expect(page.GetByTestId("decline-confirm")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("decline-confirm")).ToContainTextAsync("Confirmez-vous votre refus ?");
        await Assertions.Expect(page.GetByTestId("decline-reason")).ToHaveValueAsync("Le prix a changé depuis notre accord.");
        Assert.Equal("ongoing", (await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedure}")).GetProperty("status").GetString());
        await BrowserApp.ScreenshotAsync(page, $"signer-phone-decline-confirm{(scripts ? "" : "-no-js")}");

        if (scripts)
        {
            // Changing one's mind costs nothing.
            await page.GetByTestId("decline-cancel").ClickAsync();
            await Assertions.Expect(page.GetByTestId("decline-confirm")).ToBeHiddenAsync();
            await page.GetByTestId("decline-button").ClickAsync();
        }
        await page.GetByTestId("decline-confirm-button").ClickAsync();

        await Assertions.Expect(page.GetByTestId("decline-done")).ToBeVisibleAsync();
        Assert.Equal("declined", (await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedure}")).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheThankYouPageOffersTheSignedDocumentOnceSealed(bool scripts)
    {
        var (procedure, link) = await ProcedureAsync("Agathe", "Simon", "06 23 45 67 81", otp: false);
        await using var phone = scripts ? await app.PhoneContextAsync() : await app.PhoneWithoutScriptsContextAsync();
        var page = await phone.NewPageAsync();
        await page.GotoAsync(link);

        if (scripts)
        {
            await page.GetByTestId("tab-type").ClickAsync();
            await Assertions.Expect(page.GetByTestId("tab-type")).ToHaveAttributeAsync("aria-selected", "true");
        }
        await page.GetByTestId("typed-name").FillAsync("Agathe Simon");
        await page.GetByTestId("consent").CheckAsync();
        await page.GetByTestId("sign-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sign-done")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("all-signed")).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, $"signer-phone-thank-you{(scripts ? "" : "-no-js")}");

        // Sealed in the background: the page says it is coming and refreshes itself until the link is there.
        var download = page.GetByTestId("signed-document-download");
        await Assertions.Expect(download).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await BrowserApp.ScreenshotAsync(page, $"signer-phone-signed-document{(scripts ? "" : "-no-js")}");
        var href = await download.GetAttributeAsync("href") ?? "";
        Assert.Contains("/telechargement/", href, StringComparison.Ordinal);
        var file = await page.APIRequest.GetAsync(href);
        Assert.Equal(200, file.Status);
        Assert.StartsWith("application/pdf", file.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString((await file.BodyAsync())[..4]));

        // The link of the invitation, opened again after completion, offers it too.
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByTestId("gone")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("signed-document-download")).ToHaveAttributeAsync("href", href);
        var audit = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedure}/audit");
        Assert.Contains(audit.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "procedure.sealed");
    }
}
