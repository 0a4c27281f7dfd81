using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>
/// « Paramètres de l'agence »: the director sets the identity and the SMS sender, invites an agent (who chooses a
/// password from the emailed link on a phone and logs in without seeing the settings), creates an API key and revokes it.
/// </summary>
public class DirectorSetsUpTheAgency(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    [Fact]
    public async Task TheDirectorSetsUpTheAgencyAndAnInvitedAgentGetsInWithoutTheSettings()
    {
        await using var desk = await app.AgentContextAsync();
        var director = await desk.NewPageAsync();
        await Gestures.LogInAsync(director);
        await director.GetByTestId("nav-settings").ClickAsync();
        await Assertions.Expect(director).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/parametres$"));

        // Identity and SMS sender: a name operators refuse is explained next to the field.
        await director.GetByTestId("agency-address").FillAsync("12 quai de la Fosse, 44000 Nantes");
        await director.GetByTestId("agency-card").FillAsync("CPI 4401 2024 000 012 345");
        await director.GetByTestId("agency-sms-sender").FillAsync("Agence Démo");
        await director.GetByTestId("save-agency-button").ClickAsync();
        var error = director.Locator("[data-testid=field-error][data-field=sms_sender]");
        await Assertions.Expect(error).ToContainTextAsync("Pas d'espace");
        await BrowserApp.ScreenshotAsync(director, "settings-sms-sender-refused");
        await director.GetByTestId("agency-sms-sender").FillAsync("AgenceDemo");
        await director.GetByTestId("save-agency-button").ClickAsync();
        await Assertions.Expect(director.GetByTestId("flash")).ToContainTextAsync("Réglages de l'agence enregistrés");
        await Assertions.Expect(director.GetByTestId("agency-card")).ToHaveValueAsync("CPI 4401 2024 000 012 345");
        await BrowserApp.ScreenshotAsync(director, "settings-agency");

        // Invite an agent without signing authority: the page says why they cannot sign for the agency.
        var email = $"ines.agent.{Guid.NewGuid():N}@agence-demo.fr";
        await director.GetByTestId("tab-users").ClickAsync();
        await director.GetByTestId("invite-first-name").FillAsync("Inès");
        await director.GetByTestId("invite-last-name").FillAsync("Garnier");
        await director.GetByTestId("invite-email").FillAsync(email);
        await director.GetByTestId("invite-button").ClickAsync();
        await Assertions.Expect(director.GetByTestId("flash")).ToContainTextAsync($"Invitation envoyée à {email}");
        var row = director.Locator($"[data-testid=user-row][data-email='{email}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "invited");
        await Assertions.Expect(row.GetByTestId("no-authority-why")).ToContainTextAsync("loi Hoguet");
        await Assertions.Expect(director.GetByTestId("hoguet-note")).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(director, "settings-users");

        // The agent, on a phone, opens the link from the email (the dev outbox) and chooses a password.
        var link = await LinkForAsync(email);
        await using var phone = await app.PhoneContextAsync();
        var agent = await phone.NewPageAsync();
        await agent.GotoAsync(link);
        await Assertions.Expect(agent.GetByTestId("set-password-email")).ToHaveTextAsync(email);
        await BrowserApp.ScreenshotAsync(agent, "agent-sets-password-phone");
        await agent.GetByTestId("set-password").FillAsync("une phrase assez longue 42");
        await agent.GetByTestId("set-password-confirm").FillAsync("une phrase assez longue 42");
        await agent.GetByTestId("set-password-button").ClickAsync();
        await Assertions.Expect(agent.GetByTestId("password-notice")).ToContainTextAsync("mot de passe est enregistré");
        await agent.GetByTestId("login-email").FillAsync(email);
        await agent.GetByTestId("login-password").FillAsync("une phrase assez longue 42");
        await agent.GetByTestId("login-button").ClickAsync();
        await Assertions.Expect(agent.GetByTestId("nav")).ToBeAttachedAsync();
        await Assertions.Expect(agent.GetByTestId("nav-settings")).ToHaveCountAsync(0);
        await agent.GotoAsync("/parametres");
        await Assertions.Expect(agent.GetByTestId("error-title")).ToHaveTextAsync("Accès refusé");
        await BrowserApp.ScreenshotAsync(agent, "agent-settings-forbidden-phone");
        await agent.GotoAsync(link);
        await Assertions.Expect(agent.GetByTestId("link-gone")).ToBeVisibleAsync();

        // An API key: shown once, works, revoked, refused at once.
        await director.GetByTestId("tab-keys").ClickAsync();
        await director.GetByTestId("key-name").FillAsync("Logiciel de transaction");
        await director.GetByTestId("key-create").ClickAsync();
        var key = (await director.GetByTestId("new-key-value").TextContentAsync())!.Trim();
        Assert.StartsWith("pk_", key, StringComparison.Ordinal);
        await BrowserApp.ScreenshotAsync(director, "settings-api-key-created");
        Assert.Equal(HttpStatusCode.OK, await CallWithAsync(key));
        await director.GotoAsync("/parametres/cles-api"); // back on the page later: the key is gone for good
        await Assertions.Expect(director.GetByTestId("new-key")).ToHaveCountAsync(0);
        Assert.DoesNotContain(key, await director.ContentAsync(), StringComparison.Ordinal);
        var keyRow = director.Locator("[data-testid=key-row][data-name='Logiciel de transaction']");
        await Assertions.Expect(keyRow.GetByTestId("key-last-used")).Not.ToHaveTextAsync("Jamais");
        await keyRow.GetByTestId("key-revoke").ClickAsync();
        await Assertions.Expect(director.GetByTestId("flash")).ToContainTextAsync("révoquée");
        await Assertions.Expect(keyRow).ToHaveAttributeAsync("data-revoked", "true");
        Assert.Equal(HttpStatusCode.Unauthorized, await CallWithAsync(key));

        // The journal tells all of it, on a tablet too.
        await using var tablet = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl, Locale = "fr-FR", ViewportSize = new() { Width = 820, Height = 1180 }, HasTouch = true,
        });
        var onTablet = await tablet.NewPageAsync();
        await Gestures.LogInAsync(onTablet);
        await onTablet.GotoAsync("/parametres/journal");
        foreach (var kind in new[] { "agency.updated", "user.invited", "password.set", "api_key.created", "api_key.revoked" })
            await Assertions.Expect(onTablet.Locator($"[data-testid=journal-row][data-kind='{kind}']")).Not.ToHaveCountAsync(0);
        await BrowserApp.ScreenshotAsync(onTablet, "settings-journal-tablet");
        await onTablet.GotoAsync("/parametres/utilisateurs");
        await BrowserApp.ScreenshotAsync(onTablet, "settings-users-tablet");
    }

    private async Task<string> LinkForAsync(string email)
    {
        for (var i = 0; i < 200; i++)
        {
            var messages = await _api.SendAsync(HttpMethod.Get, $"/api/v1/dev/outbox?to={Uri.EscapeDataString(email)}");
            foreach (var m in messages.EnumerateArray())
                foreach (var l in m.GetProperty("links").EnumerateArray())
                    if (l.GetString() is { } url && url.Contains("/mot-de-passe/", StringComparison.Ordinal)) return new Uri(url).PathAndQuery;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"No invitation with a set-password link reached the dev outbox for {email} within 20 s.");
    }

    private async Task<HttpStatusCode> CallWithAsync(string key)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/contacts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
