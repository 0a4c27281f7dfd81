using Microsoft.Playwright;
using Paraphe.Testing;

namespace Paraphe.Browser.Tests;

/// <summary>The agent's whole remote flow in the browser, and the client signing on a phone.</summary>
public class AgentRemoteProcedure(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task CreatesAContactSeesTheTypoLaunchesAndSeesTheClientSign()
    {
        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);

        // A contact with a mistyped domain: saved, but the suggestion is shown and can be applied.
        await agent.GotoAsync("/contacts/new");
        await agent.GetByTestId("contact-first-name").FillAsync("Camille");
        await agent.GetByTestId("contact-last-name").FillAsync("Durand");
        await agent.GetByTestId("contact-email").FillAsync("camille.durand@gmial.com");
        await agent.GetByTestId("contact-mobile").FillAsync("06 98 76 54 32");
        await agent.GetByTestId("save-contact-button").ClickAsync();
        await Assertions.Expect(agent.GetByTestId("email-suggestion")).ToContainTextAsync("camille.durand@gmail.com");
        await BrowserApp.ScreenshotAsync(agent, "agent-contact-typo-suggestion");
        await agent.GetByTestId("email-suggestion").GetByTestId("use-suggestion").ClickAsync();
        await Assertions.Expect(agent.GetByTestId("contact-email")).ToHaveValueAsync("camille.durand@gmail.com");
        await agent.GetByTestId("save-contact-button").ClickAsync();
        await Assertions.Expect(agent.Locator("[data-testid=check-ok][data-check=email]")).ToBeVisibleAsync();

        // The contract.
        await agent.GotoAsync("/documents/upload");
        await agent.GetByTestId("upload-file").SetInputFilesAsync(new FilePayload
        {
            Name = "compromis.pdf", MimeType = "application/pdf", Buffer = SamplePdfs.Valid(3, "Compromis de vente"),
        });
        await agent.GetByTestId("upload-title").FillAsync("Compromis 8 allée des Tilleuls");
        await agent.GetByTestId("upload-kind").SelectOptionAsync("compromis");
        await agent.GetByTestId("upload-button").ClickAsync();
        await BrowserApp.ScreenshotAsync(agent, "agent-after-upload");
        await Assertions.Expect(agent.GetByTestId("document-row").Filter(new() { HasTextString = "Compromis 8 allée des Tilleuls" })).ToHaveCountAsync(1);

        // A remote procedure, launched.
        await agent.GotoAsync("/procedures/new");
        var documentOption = agent.GetByTestId("document-select").Locator("option", new() { HasTextString = "Compromis 8 allée des Tilleuls" });
        await agent.GetByTestId("document-select").SelectOptionAsync(await documentOption.GetAttributeAsync("value") ?? "");
        await agent.GetByTestId("mode-remote").ClickAsync();
        var row = agent.GetByTestId("signer-row").First;
        var option = row.Locator("option", new() { HasTextString = "camille.durand@gmail.com" });
        await row.GetByTestId("signer-select").SelectOptionAsync(await option.GetAttributeAsync("value") ?? "");
        await row.GetByTestId("signer-role").FillAsync("acquéreur");
        await BrowserApp.ScreenshotAsync(agent, "agent-new-procedure");
        await agent.GetByTestId("launch-button").ClickAsync();

        await Assertions.Expect(agent.GetByTestId("page-title")).ToHaveTextAsync("Statut des signatures");
        var status = agent.GetByTestId("signer-status").First;
        await Assertions.Expect(status).ToHaveAttributeAsync("data-status", "pending");
        await Assertions.Expect(status).ToHaveTextAsync("en attente");
        var statusUrl = agent.Url;

        // The email in the dev outbox carries the personal link.
        await agent.GotoAsync("/dev/outbox");
        var email = agent.GetByTestId("outbox-message").Filter(new() { HasTextString = "camille.durand@gmail.com" }).First;
        for (var i = 0; i < 50 && await email.CountAsync() == 0; i++)
        {
            await Task.Delay(200);
            await agent.ReloadAsync();
        }
        var link = await email.GetByTestId("outbox-link").First.GetAttributeAsync("href");
        Assert.Contains("/sign/", link);
        await BrowserApp.ScreenshotAsync(agent, "agent-dev-outbox");

        // The client signs on a phone.
        await using var phone = await app.PhoneContextAsync();
        var client = await phone.NewPageAsync();
        await client.GotoAsync(link!);
        await client.GetByTestId("consent").CheckAsync();
        await Gestures.DrawSignatureAsync(client);
        await client.GetByTestId("sign-button").ClickAsync();
        await Assertions.Expect(client.GetByTestId("sign-done")).ToBeVisibleAsync();

        // The agent's status page now says « signé ».
        await agent.GotoAsync(statusUrl);
        await Assertions.Expect(status).ToHaveAttributeAsync("data-status", "signed");
        await Assertions.Expect(status).ToHaveTextAsync("signé");
        await Assertions.Expect(agent.GetByTestId("status-badge").First).ToContainTextAsync("Terminée");
        await BrowserApp.ScreenshotAsync(agent, "agent-status-signed");
    }
}
