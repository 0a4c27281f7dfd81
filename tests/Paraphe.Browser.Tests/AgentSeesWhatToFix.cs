using System.Text.Json;
using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>
/// The procedures list tells the agent which procedures need them (« À corriger »: a badge and a filter), on a desktop
/// and on a phone; the status page of a signer no channel reaches says why no reminder can be sent.
/// </summary>
public class AgentSeesWhatToFix(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    private async Task SimulateAsync(string to, string evt)
    {
        JsonElement message = default;
        for (var i = 0; i < 100 && message.ValueKind != JsonValueKind.Object; i++)
        {
            var outbox = await _api.SendAsync(HttpMethod.Get, $"/api/v1/dev/outbox?to={Uri.EscapeDataString(to)}");
            if (outbox.GetArrayLength() > 0) message = outbox[0];
            else await Task.Delay(100);
        }
        Assert.True(message.ValueKind == JsonValueKind.Object, $"No message to {to} reached the dev outbox.");
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/dev/outbox/{message.GetProperty("id").GetString()}/events", new { @event = evt });
    }

    [Fact]
    public async Task TheBadgeAndTheFilterShowTheProcedureWhoseClientCannotBeReached()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var email = $"paul.girard.{tag}@gmail.com";
        var mobile = "+3361" + Random.Shared.Next(0, 10_000_000).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
        var unreachable = await _api.LaunchedRemoteAsync(await _api.DocumentAsync($"Bail 4 rue Mercière {tag}"),
            await _api.ContactAsync("Paul", "Girard", email, mobile));
        var fine = await _api.LaunchedRemoteAsync(await _api.DocumentAsync($"Mandat 9 quai Saint-Vincent {tag}"),
            await _api.ContactAsync("Anne", "Roux", $"anne.roux.{tag}@gmail.com", "06 44 55 66 77"));
        await SimulateAsync(email, "bounced");
        await SimulateAsync(mobile, "unknown_number");

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync("/procedures");
        var bad = agent.Locator($"[data-testid=procedure-row][data-id='{unreachable}']");
        var good = agent.Locator($"[data-testid=procedure-row][data-id='{fine}']");
        await Assertions.Expect(bad.GetByTestId("to-fix-badge")).ToHaveTextAsync("À corriger");
        await Assertions.Expect(good.GetByTestId("to-fix-badge")).ToHaveCountAsync(0);
        await Assertions.Expect(agent.GetByTestId("to-fix-filter")).ToContainTextAsync("À corriger (");
        await BrowserApp.ScreenshotAsync(agent, "procedures-to-fix-badge");

        await agent.GetByTestId("to-fix-filter").ClickAsync();
        await Assertions.Expect(agent.GetByTestId("to-fix-filter")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(bad).ToHaveCountAsync(1);
        await Assertions.Expect(good).ToHaveCountAsync(0);
        await BrowserApp.ScreenshotAsync(agent, "procedures-to-fix-filter");

        // The badge leads to the procedure: one finding, and no reminder button that could only fail.
        await bad.GetByTestId("to-fix-badge").ClickAsync();
        var card = agent.GetByTestId("signer-card").First;
        var finding = card.Locator("[data-testid=diagnosis-finding][data-code=contact_unreachable]");
        await Assertions.Expect(finding).ToBeVisibleAsync();
        await Assertions.Expect(finding).ToContainTextAsync("ni par email ni par SMS");
        await Assertions.Expect(card.GetByTestId("remind-button")).ToHaveCountAsync(0);
        await Assertions.Expect(card.GetByTestId("remind-impossible")).ToContainTextAsync("Relance impossible");
        await BrowserApp.ScreenshotAsync(agent, "status-contact-unreachable");

        // On a phone, the filter and the badge are there too.
        await using var phone = await app.PhoneContextAsync();
        var mobilePage = await phone.NewPageAsync();
        await Gestures.LogInAsync(mobilePage);
        await mobilePage.GotoAsync("/procedures?a_corriger=true");
        await Assertions.Expect(mobilePage.Locator($"[data-testid=procedure-row][data-id='{unreachable}']").GetByTestId("to-fix-badge"))
            .ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(mobilePage, "procedures-to-fix-phone");
        await mobilePage.ScreenshotAsync(new() { Path = Path.Combine(BrowserApp.ArtifactsDirectory, "procedures-to-fix-phone-screen.png") });
    }

    [Fact]
    public async Task AnEmailBounceLeavesTheReminderToSmsAndTheButtonSaysSo()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var email = $"lucie.blanc.{tag}@gmail.com";
        var procedure = await _api.LaunchedRemoteAsync(await _api.DocumentAsync($"Compromis 2 place Bellecour {tag}"),
            await _api.ContactAsync("Lucie", "Blanc", email, "06 12 98 76 54"));
        await SimulateAsync(email, "bounced");

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/{procedure}");
        var card = agent.GetByTestId("signer-card").First;
        await Assertions.Expect(card.GetByTestId("remind-button")).ToHaveTextAsync("Relancer le client par SMS");
        await Assertions.Expect(card.GetByTestId("remind-note")).ToContainTextAsync("SMS uniquement");

        await card.GetByTestId("remind-button").ClickAsync();

        await Assertions.Expect(agent.Locator(".alert").Filter(new() { HasTextString = "Relance envoyée par SMS uniquement : l'adresse email n'existe pas." }))
            .ToBeVisibleAsync();
        await Assertions.Expect(agent.GetByTestId("signer-card").First.Locator("[data-testid=diagnosis-finding][data-code=email_hard_bounce]"))
            .ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(agent, "status-reminder-sms-only");
    }
}
