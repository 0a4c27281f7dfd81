using System.Globalization;
using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>The manual reminder from the status page: used once, then the page says when the next one is possible.</summary>
public class AgentRemindsASigner(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    [Fact]
    public async Task TheButtonDisappearsAfterUseAndTheNextPossibleDateShows()
    {
        var contact = await _api.ContactAsync("Hélène", "Marchand", "helene.marchand@example.fr", "06 22 33 44 55");
        var procedure = await _api.LaunchedRemoteAsync(await _api.DocumentAsync("Mandat de vente rue Oberkampf"), contact);

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/{procedure}");
        var card = agent.GetByTestId("signer-card").First;
        await Assertions.Expect(card.GetByTestId("reminders-sent")).ToHaveTextAsync("0");
        await Assertions.Expect(card.GetByTestId("next-reminder")).ToHaveCountAsync(0);

        await card.GetByTestId("remind-button").ClickAsync();

        card = agent.GetByTestId("signer-card").First;
        await Assertions.Expect(card.GetByTestId("remind-button")).ToHaveCountAsync(0);
        var next = card.GetByTestId("next-reminder");
        await Assertions.Expect(next).ToContainTextAsync("Prochaine relance possible le");
        await Assertions.Expect(card.GetByTestId("reminders-sent")).ToHaveTextAsync("1");
        var at = DateTime.Parse(await next.GetAttributeAsync("data-at") ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        Assert.Equal(DateTime.UtcNow.AddDays(2), at, TimeSpan.FromMinutes(2));
        var paris = TimeZoneInfo.ConvertTimeFromUtc(at, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
        await Assertions.Expect(next).ToContainTextAsync(paris.ToString("dd/MM/yyyy 'à' HH:mm", CultureInfo.GetCultureInfo("fr-FR")));
        await BrowserApp.ScreenshotAsync(agent, "agent-after-reminder");

        // Reloading does not bring the button back inside the window.
        await agent.ReloadAsync();
        await Assertions.Expect(agent.GetByTestId("signer-card").First.GetByTestId("remind-button")).ToHaveCountAsync(0);
        var state = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{procedure}");
        Assert.Equal(1, state.GetProperty("signers")[0].GetProperty("reminders_sent").GetInt32());
    }
}
