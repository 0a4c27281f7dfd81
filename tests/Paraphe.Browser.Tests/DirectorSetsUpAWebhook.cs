using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>
/// « Paramètres › Webhooks »: the director adds an endpoint (the secret shown once), sees a delivery in the log with its
/// outcome, sends it again (« Renvoyer »), renews the secret, disables and deletes the endpoint; the page on a phone.
/// </summary>
public class DirectorSetsUpAWebhook(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    [Fact]
    public async Task TheDirectorAddsAWebhookReadsItsDeliveriesReplaysOneAndRemovesIt()
    {
        await using var desk = await app.AgentContextAsync();
        var page = await desk.NewPageAsync();
        await Gestures.LogInAsync(page);
        await page.GotoAsync("/parametres/webhooks");
        await page.GetByTestId("webhook-create").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=field-error][data-field=url]")).ToBeVisibleAsync();

        // No network in tests: an address that never answers, so the log shows a failed attempt and its reason.
        var url = $"https://crm-{Guid.NewGuid():N}.invalid/paraphe";
        await page.GetByTestId("webhook-url").FillAsync(url);
        await page.GetByTestId("webhook-event-procedure.launched").CheckAsync();
        await page.GetByTestId("webhook-create").ClickAsync();
        var secret = (await page.GetByTestId("new-secret-value").TextContentAsync())!.Trim();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        await BrowserApp.ScreenshotAsync(page, "settings-webhook-created");

        var document = await _api.DocumentAsync("Compromis rue du Webhook");
        var contact = await _api.ContactAsync("Lucie", "Crochet", $"lucie.{Guid.NewGuid():N}@exemple.fr", "+33612345678");
        await _api.LaunchedRemoteAsync(document, contact);
        var card = page.Locator($"[data-testid=webhook]:has(code:text-is('{url}'))");
        await card.GetByTestId("webhook-log").ClickAsync();
        var row = page.GetByTestId("delivery-row").First;
        for (var i = 0; i < 100 && !(await row.IsVisibleAsync() && (await row.InnerTextAsync()).Contains("Connexion impossible", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(300);
            await page.ReloadAsync();
        }
        await Assertions.Expect(row).ToContainTextAsync("Procédure lancée");
        await Assertions.Expect(row).ToContainTextAsync("Connexion impossible");
        await BrowserApp.ScreenshotAsync(page, "settings-webhook-deliveries");
        await row.GetByTestId("delivery-replay").ClickAsync();
        await Assertions.Expect(page.GetByTestId("flash")).ToContainTextAsync("Événement renvoyé");
        await Assertions.Expect(page.GetByTestId("delivery-row")).ToHaveCountAsync(2);

        await card.GetByTestId("webhook-rotate").ClickAsync();
        Assert.NotEqual(secret, (await page.GetByTestId("new-secret-value").TextContentAsync())!.Trim());
        await card.GetByTestId("webhook-toggle").ClickAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-enabled", "false");
        await Assertions.Expect(card.GetByTestId("webhook-disabled-reason")).ToContainTextAsync("Désactivé par la direction");

        await using var phone = await app.PhoneContextAsync();
        var small = await phone.NewPageAsync();
        await Gestures.LogInAsync(small);
        await small.GotoAsync("/parametres/webhooks");
        await Assertions.Expect(small.GetByTestId("webhook-form")).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(small, "settings-webhooks-phone");

        await card.GetByTestId("webhook-delete").ClickAsync();
        await Assertions.Expect(page.GetByTestId("flash")).ToContainTextAsync("Webhook supprimé");
        await Assertions.Expect(page.Locator($"[data-testid=webhook]:has(code:text-is('{url}'))")).ToHaveCountAsync(0);
    }
}
