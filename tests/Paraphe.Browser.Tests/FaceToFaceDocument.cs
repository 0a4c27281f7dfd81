using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>The face-to-face page shows the same document viewer as the signing page, with the current signer's place.</summary>
public class FaceToFaceDocument(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    [Fact]
    public async Task ShowsEveryPageAndTheCurrentSignersBox()
    {
        var contact = await _api.ContactAsync("Chloé", "Fabre", "chloe.fabre@example.fr", "06 55 66 77 88");
        var document = await _api.DocumentAsync("Mandat de location", pages: 2);
        var created = await _api.SendAsync(HttpMethod.Post, "/api/v1/procedures", new
        {
            document_id = document, mode = "in_person",
            signers = new[] { new { contact_id = contact, role = "bailleur", field = new { page = 1, x = 60, y = 80, width = 180, height = 60 } } },
        });
        var id = created.GetProperty("id").GetString()!;
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/procedures/{id}/launch");

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/{id}/face-a-face");

        await Assertions.Expect(agent.GetByTestId("document-viewer")).ToHaveAttributeAsync("data-state", "ready");
        await Assertions.Expect(agent.GetByTestId("pdf-page-canvas")).ToHaveCountAsync(2);
        await Assertions.Expect(agent.Locator("[data-testid=pdf-page][data-page='1']").GetByTestId("signature-place")).ToHaveCountAsync(1);
        await Assertions.Expect(agent.GetByTestId("open-document")).ToHaveAttributeAsync("href", $"/documents/{document}/file");
        // The signing form is still there, untouched.
        await Assertions.Expect(agent.GetByTestId("in-person-form")).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(agent, "agent-face-a-face-document");
    }
}
