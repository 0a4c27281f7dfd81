using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>The agent looks a client up on a phone however the number was given, and reads it in one format.</summary>
public class ContactsSearchOnAPhone(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    [Fact]
    public async Task FindsAClientByAnyWritingOfTheNumberOrANameWithoutAccents()
    {
        await _api.ContactAsync("Hélène", "Grondin", "helene.grondin@example.fr", "06 47 58 69 70");
        await _api.ContactAsync("Jean-Marc", "Payet", "jm.payet@example.re", "+262 692 47 58 69");

        await using var phone = await app.PhoneContextAsync();
        var page = await phone.NewPageAsync();
        await Gestures.LogInAsync(page);

        foreach (var (typed, name, shown) in new[]
                 {
                     ("+33 6 47 58 69 70", "Hélène Grondin", "06 47 58 69 70"),
                     ("0033647586970", "Hélène Grondin", "06 47 58 69 70"),
                     ("helene grondin", "Hélène Grondin", "06 47 58 69 70"),
                     ("0692 47 58 69", "Jean-Marc Payet", "+262 692 47 58 69"),
                     ("jean marc", "Jean-Marc Payet", "+262 692 47 58 69"),
                 })
        {
            await page.GotoAsync("/contacts");
            await page.GetByTestId("search-input").FillAsync(typed);
            await page.GetByTestId("search-input").PressAsync("Enter");
            var rows = page.GetByTestId("contact-row");
            await Assertions.Expect(rows).ToHaveCountAsync(1);
            await Assertions.Expect(rows.GetByTestId("contact-link")).ToHaveTextAsync(name);
            await Assertions.Expect(rows.GetByTestId("contact-mobile-display")).ToHaveTextAsync(shown);
        }
        await BrowserApp.ScreenshotAsync(page, "agent-phone-contacts-search");
    }
}
