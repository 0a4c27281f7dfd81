using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>
/// « Pourquoi mon client n'a rien reçu ? »: a bounce simulated in the dev outbox shows up on the open status page
/// by itself, and its « Nouvelle procédure corrigée » button relaunches with the corrected address.
/// </summary>
public class DiagnosisPanel(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task ABouncedEmailIsExplainedAndCorrectAndRelaunchSendsToTheNewAddress()
    {
        var api = new DemoApi(app);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var wrong = $"lea.martin.{tag}@gmail.com";
        var corrected = $"lea.martin.{tag}.pro@gmail.com";
        var contactId = await api.ContactAsync("Léa", "Martin", wrong, "+33612345678");
        var procedureId = await api.LaunchedRemoteAsync(await api.DocumentAsync("Compromis 3 rue des Lilas"), contactId);
        await api.SigningLinkForAsync(wrong);

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/{procedureId}");
        var card = agent.GetByTestId("signer-card").First;
        await Assertions.Expect(card.Locator("[data-testid=diagnosis-finding][data-code=email_hard_bounce]")).ToHaveCountAsync(0);

        // In another tab, the dev outbox plays the operator's answer: this mailbox does not exist.
        var outbox = await desk.NewPageAsync();
        await outbox.GotoAsync($"/dev/outbox?to={Uri.EscapeDataString(wrong)}");
        var email = outbox.GetByTestId("outbox-message").Filter(new() { HasTextString = wrong }).First;
        await Assertions.Expect(email.GetByTestId("simulate-bounced")).ToHaveTextAsync("rejeté (adresse inconnue)");
        await BrowserApp.ScreenshotAsync(outbox, "dev-outbox-simulate");
        await email.GetByTestId("simulate-bounced").ClickAsync();
        await Assertions.Expect(outbox.GetByTestId("outbox-message").First.GetByTestId("outbox-delivery-status"))
            .ToHaveAttributeAsync("data-status", "failed");
        await Assertions.Expect(outbox.GetByTestId("outbox-message").First.GetByTestId("simulate-form")).ToHaveCountAsync(0);

        // The status page, left open, shows it without a reload.
        var panel = card.GetByTestId("diagnosis-panel");
        var bounce = panel.Locator("[data-testid=diagnosis-finding][data-code=email_hard_bounce]");
        await Assertions.Expect(bounce).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(panel).ToContainTextAsync("Pourquoi mon client n'a rien reçu ?");
        await Assertions.Expect(bounce).ToContainTextAsync(wrong);
        await Assertions.Expect(card.Locator("[data-testid=notification][data-channel=email]")).ToHaveAttributeAsync("data-status", "failed");
        await BrowserApp.ScreenshotAsync(agent, "status-diagnosis-hard-bounce");

        // « Nouvelle procédure corrigée » opens the relaunch with this signer's email ready to be corrected.
        var action = bounce.GetByTestId("diagnosis-action");
        await Assertions.Expect(action).ToHaveTextAsync("Nouvelle procédure corrigée");
        await action.ClickAsync();
        var field = agent.GetByTestId("correct-form").Locator("[data-testid=correct-signer]").First.GetByTestId("correct-email");
        await Assertions.Expect(field).ToBeFocusedAsync();
        await field.FillAsync(corrected);
        await BrowserApp.ScreenshotAsync(agent, "status-diagnosis-correct-form");
        await agent.GetByTestId("correct-relaunch-button").ClickAsync();

        // A new ongoing procedure, to the corrected address, replacing the old one; the invitation is in the outbox.
        await Assertions.Expect(agent.GetByTestId("replaces-link")).ToBeVisibleAsync();
        await Assertions.Expect(agent.GetByTestId("status-badge")).ToHaveAttributeAsync("data-status", "ongoing");
        await Assertions.Expect(agent.GetByTestId("signer-card").First).ToContainTextAsync(corrected);
        Assert.NotEqual($"/procedures/{procedureId}", new Uri(agent.Url).AbsolutePath);
        Assert.Contains("/sign/", await api.SigningLinkForAsync(corrected));
        var contact = await api.SendAsync(HttpMethod.Get, $"/api/v1/contacts/{contactId}");
        Assert.Equal(corrected, contact.GetProperty("email").GetString());
        await BrowserApp.ScreenshotAsync(agent, "status-after-correct-and-relaunch");
    }
}
