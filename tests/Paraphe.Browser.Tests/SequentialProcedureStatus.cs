using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>
/// « Dans l'ordre de signature »: chosen on the New form (signers numbered), then the status page shows the order, who
/// signs now and who waits for the previous signers — on a desktop and on a phone.
/// </summary>
public class SequentialProcedureStatus(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    [Fact]
    public async Task TheFormOffersTheOrderAndTheStatusPageShowsWhoWaits()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var title = $"Compromis 15 rue Garibaldi {tag}";
        await _api.DocumentAsync(title);
        var names = new[] { ("Claire", "Fabre"), ("Hugo", "Perrin"), ("Nadia", "Brun") };
        var emails = names.Select(n => $"{n.Item1.ToLowerInvariant()}.{n.Item2.ToLowerInvariant()}.{tag}@gmail.com").ToArray();
        for (var i = 0; i < 3; i++)
            await _api.ContactAsync(names[i].Item1, names[i].Item2, emails[i], $"06 3{i} 12 34 5{i}");

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync("/procedures/new");
        var documentOption = agent.GetByTestId("document-select").Locator("option", new() { HasTextString = title });
        await agent.GetByTestId("document-select").SelectOptionAsync(await documentOption.GetAttributeAsync("value") ?? "");
        await agent.GetByTestId("mode-remote").ClickAsync();
        await Assertions.Expect(agent.GetByTestId("order-parallel")).ToBeCheckedAsync();
        await agent.GetByTestId("order-sequential").CheckAsync();
        for (var i = 0; i < 3; i++)
        {
            if (i > 0) await agent.GetByTestId("add-signer").ClickAsync();
            var row = agent.GetByTestId("signer-row").Nth(i);
            var option = row.Locator("option", new() { HasTextString = emails[i] });
            await row.GetByTestId("signer-select").SelectOptionAsync(await option.GetAttributeAsync("value") ?? "");
        }
        await BrowserApp.ScreenshotAsync(agent, "new-procedure-signing-order");
        await agent.GetByTestId("launch-button").ClickAsync();

        await Assertions.Expect(agent.GetByTestId("page-title")).ToHaveTextAsync("Statut des signatures");
        await Assertions.Expect(agent.GetByTestId("signing-order")).ToHaveTextAsync("Dans l'ordre de signature");
        var items = agent.GetByTestId("signing-order-item");
        await Assertions.Expect(items).ToHaveCountAsync(3);
        await Assertions.Expect(items.Nth(0)).ToContainTextAsync("Claire Fabre");
        await Assertions.Expect(items.Nth(0)).ToHaveAttributeAsync("data-status", "pending");
        await Assertions.Expect(items.Nth(1)).ToHaveAttributeAsync("data-status", "awaiting_turn");
        var cards = agent.GetByTestId("signer-card");
        await Assertions.Expect(cards.Nth(0).GetByTestId("signer-order")).ToHaveTextAsync("1");
        await Assertions.Expect(cards.Nth(0).GetByTestId("remind-button")).ToBeVisibleAsync();
        for (var i = 1; i < 3; i++)
        {
            await Assertions.Expect(cards.Nth(i).GetByTestId("signer-status")).ToHaveTextAsync("En attente des signataires précédents");
            await Assertions.Expect(cards.Nth(i).GetByTestId("remind-button")).ToHaveCountAsync(0);
            await Assertions.Expect(cards.Nth(i).Locator("[data-testid=diagnosis-finding][data-code=awaiting_previous_signers]")).ToHaveCountAsync(1);
        }
        await BrowserApp.ScreenshotAsync(agent, "status-sequential-desktop");
        var url = agent.Url;

        // The first signer signs: the second is invited, the third still waits.
        var link = await _api.SigningLinkForAsync(emails[0]);
        var token = link[(link.IndexOf("/sign/", StringComparison.Ordinal) + "/sign/".Length)..];
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/signing/{token}/sign", new { consent = true, typed_name = "Claire Fabre" });
        await _api.SigningLinkForAsync(emails[1]);

        await using var phone = await app.PhoneContextAsync();

        var agentPhone = await phone.NewPageAsync();
        await Gestures.LogInAsync(agentPhone);
        await agentPhone.GotoAsync(url);
        var phoneItems = agentPhone.GetByTestId("signing-order-item");
        await Assertions.Expect(phoneItems.Nth(0)).ToHaveAttributeAsync("data-status", "signed");
        await Assertions.Expect(phoneItems.Nth(1)).ToHaveAttributeAsync("data-status", "pending");
        await Assertions.Expect(phoneItems.Nth(2)).ToHaveAttributeAsync("data-status", "awaiting_turn");
        await BrowserApp.ScreenshotAsync(agentPhone, "status-sequential-phone");
        await agentPhone.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ArtifactsDirectory, "status-sequential-phone-screen.png") });
    }
}
