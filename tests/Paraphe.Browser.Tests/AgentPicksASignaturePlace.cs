using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>Preparing a procedure, the agent clicks on a page of the document to place a signer's signature.</summary>
public partial class AgentPicksASignaturePlace(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    [Fact]
    public async Task ClicksOnPageTwoAndTheApiReturnsThatBox()
    {
        await _api.ContactAsync("Nora", "Lefèvre", "nora.lefevre@example.fr", "06 33 44 55 66");
        var document = await _api.DocumentAsync("Offre d'achat avenue Foch", pages: 3);

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/new?DocumentId={document}");
        await agent.GetByTestId("mode-remote").ClickAsync();
        var row = agent.GetByTestId("signer-row").First;
        var option = row.Locator("option", new() { HasTextString = "nora.lefevre@example.fr" });
        await row.GetByTestId("signer-select").SelectOptionAsync(await option.GetAttributeAsync("value") ?? "");
        await row.GetByTestId("signer-role").FillAsync("acquéreur");

        await row.GetByTestId("placement-document").CheckAsync();
        await Assertions.Expect(row.GetByTestId("place-viewer")).ToHaveAttributeAsync("data-state", "ready");
        await Assertions.Expect(row.GetByTestId("pdf-page-canvas")).ToHaveCountAsync(3);
        var frame = row.Locator(".pdf-page[data-page='2'] .pdf-page-frame");
        await frame.ScrollIntoViewIfNeededAsync();
        var size = await frame.BoundingBoxAsync() ?? throw new InvalidOperationException("page 2 not visible");
        // A quarter down the page, in the middle: PDF point (297.5, 631.5) on an A4 page (595 × 842, y up).
        await frame.ClickAsync(new LocatorClickOptions { Position = new() { X = size.Width * 0.5f, Y = size.Height * 0.25f } });
        await Assertions.Expect(row.GetByTestId("place-status")).ToContainTextAsync("Signature placée page 2");
        await Assertions.Expect(row.Locator(".pdf-page[data-page='2']").GetByTestId("signature-place")).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(agent, "agent-picks-signature-place");

        await agent.GetByTestId("save-draft-button").ClickAsync();
        await Assertions.Expect(agent).ToHaveURLAsync(ProcedureUrl());
        var id = ProcedureUrl().Match(agent.Url).Groups[1].Value;
        await Assertions.Expect(agent.GetByTestId("signature-place").First).ToContainTextAsync("page 2");

        var procedure = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{id}");
        var field = procedure.GetProperty("signers")[0].GetProperty("field");
        Assert.Equal(2, field.GetProperty("page").GetInt32());
        Assert.Equal(180, field.GetProperty("width").GetDouble(), 0.5);
        Assert.Equal(60, field.GetProperty("height").GetDouble(), 0.5);
        // The box is centred where the agent clicked (a few points of rounding to the screen's pixels).
        Assert.InRange(field.GetProperty("x").GetDouble() + 90, 297.5 - 4, 297.5 + 4);
        Assert.InRange(field.GetProperty("y").GetDouble() + 30, 631.5 - 4, 631.5 + 4);
    }

    [Fact]
    public async Task ChoosingTheDocumentWithoutClickingIsRefusedInFrench()
    {
        await _api.ContactAsync("Léo", "Garnier", "leo.garnier@example.fr", "06 44 55 66 77");
        var document = await _api.DocumentAsync("Bail d'habitation");

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/new?DocumentId={document}");
        var row = agent.GetByTestId("signer-row").First;
        var option = row.Locator("option", new() { HasTextString = "leo.garnier@example.fr" });
        await row.GetByTestId("signer-select").SelectOptionAsync(await option.GetAttributeAsync("value") ?? "");
        await row.GetByTestId("placement-document").CheckAsync();
        await agent.GetByTestId("save-draft-button").ClickAsync();

        await Assertions.Expect(agent.Locator("body")).ToContainTextAsync("cliquez sur une page du document pour placer sa signature");
        // The choice is kept, so the agent only has to click.
        await Assertions.Expect(agent.GetByTestId("signer-row").First.GetByTestId("placement-document")).ToBeCheckedAsync();
    }

    [GeneratedRegex(@"/procedures/(prc_[A-Za-z0-9_-]+)$")]
    private static partial Regex ProcedureUrl();
}
