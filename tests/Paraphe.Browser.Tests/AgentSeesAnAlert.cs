using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>
/// The agent is told without watching (issue 10, point 4): a client declines from the signing link, « Alertes » in the
/// agent's menu counts it, the list says who refused and why, opening it shows the procedure and marks it read; « Mes
/// alertes » chooses what also comes by email.
/// </summary>
public class AgentSeesAnAlert(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    [Fact]
    public async Task AClientsRefusalShowsInTheAlertsAndOpensTheProcedure()
    {
        var contact = await _api.ContactAsync("Claire", "Fontaine", "claire.fontaine@example.fr", "06 33 44 55 66");
        // Created with the API key and no agent: the directors (the demo agent is one) are alerted.
        var procedure = await _api.LaunchedRemoteAsync(await _api.DocumentAsync("Offre d'achat rue Lepic"), contact);
        var link = await _api.SigningLinkForAsync("claire.fontaine@example.fr");

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await Assertions.Expect(agent.GetByTestId("nav-alerts")).ToBeVisibleAsync();
        await Assertions.Expect(agent.GetByTestId("alert-count")).ToHaveCountAsync(0);

        await using var phone = await app.PhoneContextAsync();
        var client = await phone.NewPageAsync();
        client.Dialog += async (_, dialog) => await dialog.AcceptAsync(); // a confirmation, if the page asks for one
        await client.GotoAsync(link);
        await client.GetByTestId("decline-reason").FillAsync("Le prix ne correspond pas à notre accord <oral>");
        await client.GetByTestId("decline-button").ClickAsync();
        await client.GetByTestId("decline-confirm-button").ClickAsync(); // « Oui, je refuse de signer »
        await Assertions.Expect(client.GetByTestId("decline-done")).ToBeVisibleAsync();

        await agent.ReloadAsync();
        await Assertions.Expect(agent.GetByTestId("alert-count")).ToHaveTextAsync("1");
        await BrowserApp.ScreenshotAsync(agent, "agent-alert-counter");
        await agent.GetByTestId("nav-alerts").ClickAsync();
        await Assertions.Expect(agent).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/alertes$"));
        var item = agent.GetByTestId("alert-item");
        await Assertions.Expect(item).ToHaveCountAsync(1);
        await Assertions.Expect(item).ToHaveAttributeAsync("data-kind", "signer_declined");
        await Assertions.Expect(item.GetByTestId("alert-sentence"))
            .ToHaveTextAsync("Claire Fontaine a refusé de signer « Offre d'achat rue Lepic » : « Le prix ne correspond pas à notre accord <oral> »");
        await Assertions.Expect(item.GetByTestId("alert-unread")).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(agent, "agent-alerts-list");

        await item.GetByTestId("alert-open").ClickAsync();
        await Assertions.Expect(agent).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/procedures/{procedure}$"));
        await Assertions.Expect(agent.GetByTestId("alert-count")).ToHaveCountAsync(0);
        await agent.GotoAsync("/alertes");
        await Assertions.Expect(agent.GetByTestId("alert-item")).ToHaveAttributeAsync("data-read", "true");

        // « Mes alertes », from the user menu: every alert by email by default; one is turned off and stays off.
        await agent.GetByTestId("nav-alert-preferences").ClickAsync();
        await Assertions.Expect(agent.GetByTestId("pref-signer_declined")).ToBeCheckedAsync();
        await Assertions.Expect(agent.GetByTestId("pref-procedure_completed")).ToBeCheckedAsync();
        await agent.GetByTestId("pref-procedure_completed").UncheckAsync();
        await agent.GetByTestId("save-preferences").ClickAsync();
        await Assertions.Expect(agent.GetByTestId("flash")).ToHaveTextAsync("Préférences enregistrées.");
        await Assertions.Expect(agent.GetByTestId("pref-procedure_completed")).Not.ToBeCheckedAsync();
        await Assertions.Expect(agent.GetByTestId("pref-signer_declined")).ToBeCheckedAsync();
        await BrowserApp.ScreenshotAsync(agent, "agent-alert-preferences");

        // The same list on the agent's phone.
        await using var agentPhone = await app.PhoneContextAsync();
        var small = await agentPhone.NewPageAsync();
        await Gestures.LogInAsync(small);
        await small.GotoAsync("/alertes");
        await Assertions.Expect(small.GetByTestId("alert-item")).ToHaveCountAsync(1);
        Assert.Equal(390, await small.EvaluateAsync<int>("document.documentElement.scrollWidth"));
        await BrowserApp.ScreenshotAsync(small, "agent-alerts-phone");
    }

    [Fact]
    public async Task TheNewProcedureFormTakesAPersonalMessageForTheInvitation()
    {
        var contact = await _api.ContactAsync("Paul", "Messager", "paul.messager@example.fr", "06 44 55 66 77");
        var document = await _api.DocumentAsync("Bail rue des Martyrs");
        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/new?DocumentId={document}");
        await agent.GetByTestId("mode-remote").ClickAsync();
        await agent.GetByTestId("signer-select").First.SelectOptionAsync($"contact:{contact}");
        var message = agent.GetByTestId("personal-message");
        await Assertions.Expect(agent.GetByText("Message personnel (facultatif)")).ToBeVisibleAsync();
        await message.FillAsync("Bonjour Paul,\nvoici le bail dont nous avons parlé.");
        await BrowserApp.ScreenshotAsync(agent, "agent-new-procedure-message");
        await agent.GetByTestId("save-draft-button").ClickAsync();
        await Assertions.Expect(agent).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/procedures/prc_[0-9a-f]+$"));
        var id = agent.Url[(agent.Url.LastIndexOf('/') + 1)..];
        var saved = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{id}");
        Assert.Equal("Bonjour Paul,\nvoici le bail dont nous avons parlé.", saved.GetProperty("message").GetString());
        Assert.False(string.IsNullOrEmpty(saved.GetProperty("agent_user_id").GetString())); // the agent who created it
    }
}
