using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

/// <summary>
/// The agent's way out of every dead end: « Corriger et relancer » with a place chosen (was a 500), a draft reopened and
/// finished, a launch refused that keeps the draft and points at the field, a contact edit that offers the correction.
/// </summary>
public partial class AgentFixesAndFinishesProcedures(BrowserApp app) : IClassFixture<BrowserApp>
{
    private readonly DemoApi _api = new(app);

    private async Task<string> ProcedureWithPlaceAsync(string document, string mode, params string[] contacts)
    {
        var p = await _api.SendAsync(HttpMethod.Post, "/api/v1/procedures", new
        {
            document_id = document, mode,
            signers = contacts.Select((c, i) => new
            {
                contact_id = c, role = i == 0 ? "vendeur" : "acquéreur",
                field = i == 0 ? new { page = 2, x = 60, y = 90, width = 180, height = 60 } : null,
            }).ToArray(),
        });
        return p.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task CorrectsAndRelaunchesAProcedureWithAPlaceAndIsToldWhoSignsAgain()
    {
        var nora = await _api.ContactAsync("Nora", "Benali", "nora.benali@example.fr", "06 31 22 33 44");
        var hugo = await _api.ContactAsync("Hugo", "Perrin", "hugo.perrin@example.fr", "06 31 22 33 55");
        var document = await _api.DocumentAsync("Compromis rue des Lilas");
        var id = await ProcedureWithPlaceAsync(document, "remote", nora, hugo);
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/procedures/{id}/launch");
        // Nora signs; Hugo's address turns out wrong.
        var link = await _api.SigningLinkForAsync("nora.benali@example.fr");
        var token = link[(link.IndexOf("/sign/", StringComparison.Ordinal) + 6)..];
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/signing/{token}/sign", new { consent = true, typed_name = "Nora Benali" });

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/{id}");
        await agent.GetByTestId("correct-open").ClickAsync();
        var form = agent.GetByTestId("correct-form");
        await Assertions.Expect(form.GetByTestId("already-signed")).ToContainTextAsync("Nora Benali");
        await Assertions.Expect(form.GetByTestId("already-signed")).ToContainTextAsync("devra signer à nouveau");
        await Assertions.Expect(form.GetByTestId("relaunch-notice")).ToContainTextAsync("remplace la précédente");
        await form.GetByTestId("correct-signer").Nth(1).GetByTestId("correct-email").FillAsync("hugo.perrin@example.com");
        await BrowserApp.ScreenshotAsync(agent, "agent-correct-and-relaunch-form");
        await form.GetByTestId("correct-relaunch-button").ClickAsync();

        await Assertions.Expect(agent).ToHaveURLAsync(ProcedureUrl());
        var next = ProcedureUrl().Match(agent.Url).Groups[1].Value;
        Assert.NotEqual(id, next);
        await Assertions.Expect(agent.GetByTestId("flash")).ToContainTextAsync("remplace la précédente");
        var procedure = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{next}");
        Assert.Equal("ongoing", procedure.GetProperty("status").GetString());
        Assert.Equal(2, procedure.GetProperty("signers")[0].GetProperty("field").GetProperty("page").GetInt32());
        Assert.Equal("hugo.perrin@example.com", procedure.GetProperty("signers")[1].GetProperty("email").GetString());

        // « Copier en brouillon » of the cancelled one is refused plainly (already relaunched), never a 500.
        var response = await agent.GotoAsync($"/procedures/{id}");
        Assert.Equal(200, response!.Status);
        await Assertions.Expect(agent.GetByTestId("relaunch-draft-button")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task CopiesACancelledProcedureWithAPlaceToADraftThenReopensAndFinishesIt()
    {
        var lea = await _api.ContactAsync("Léa", "Fontaine", "lea.fontaine@example.fr", "06 41 22 33 44");
        var paul = await _api.ContactAsync("Paul", "Girard", "paul.girard@example.fr", "06 41 22 33 55");
        var document = await _api.DocumentAsync("Mandat de vente Fontaine", pages: 3);
        var id = await ProcedureWithPlaceAsync(document, "remote", lea);
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/procedures/{id}/launch");
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/procedures/{id}/cancel", new { reason = "Il manque l'acquéreur" });

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/{id}");
        await Assertions.Expect(agent.GetByTestId("relaunch-notice")).ToContainTextAsync("remplace la précédente"); // once
        await BrowserApp.ScreenshotAsync(agent, "agent-cancelled-procedure-relaunch");
        await agent.GetByTestId("relaunch-draft-button").ClickAsync();
        await Assertions.Expect(agent).ToHaveURLAsync(ProcedureUrl());
        var draft = ProcedureUrl().Match(agent.Url).Groups[1].Value;
        Assert.NotEqual(id, draft);

        // The draft is listed with « Reprendre le brouillon », which opens the form as it was left.
        await agent.GotoAsync("/procedures?status=draft");
        var row = agent.Locator($"[data-testid=procedure-row][data-id='{draft}']");
        await row.GetByTestId("resume-draft-link").ClickAsync();
        await Assertions.Expect(agent.GetByTestId("draft-note")).ToBeVisibleAsync();
        await Assertions.Expect(agent.GetByTestId("document-select")).ToHaveValueAsync(document);
        var first = agent.GetByTestId("signer-row").First;
        await Assertions.Expect(first.GetByTestId("signer-select")).ToHaveValueAsync($"contact:{lea}");
        await Assertions.Expect(first.GetByTestId("placement")).ToHaveValueAsync("document");
        await Assertions.Expect(first.GetByTestId("field-page")).ToHaveValueAsync("2");
        // The place chosen before shows on the document (the picker reads the row's values).
        var viewer = agent.GetByTestId("place-viewer"); // one viewer for every signer
        await Assertions.Expect(viewer).ToHaveAttributeAsync("data-state", "ready");
        await Assertions.Expect(viewer.Locator(".pdf-page[data-page='2']").GetByTestId("signature-place")).ToBeVisibleAsync();

        await agent.GetByTestId("add-signer").ClickAsync();
        var second = agent.GetByTestId("signer-row").Nth(1);
        await second.GetByTestId("signer-select").SelectOptionAsync($"contact:{paul}");
        await second.GetByTestId("signer-role").FillAsync("acquéreur");
        await agent.GetByTestId("expires-in-days").FillAsync("10");
        await BrowserApp.ScreenshotAsync(agent, "agent-reopens-draft");
        await agent.GetByTestId("launch-button").ClickAsync();

        await Assertions.Expect(agent).ToHaveURLAsync(new Regex($"/procedures/{draft}$"));
        var procedure = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{draft}");
        Assert.Equal("ongoing", procedure.GetProperty("status").GetString());
        Assert.Equal(10, procedure.GetProperty("expires_in_days").GetInt32());
        var signers = procedure.GetProperty("signers");
        Assert.Equal(2, signers.GetArrayLength());
        Assert.Equal(2, signers[0].GetProperty("field").GetProperty("page").GetInt32());
        Assert.Equal("paul.girard@example.fr", signers[1].GetProperty("email").GetString());
    }

    [Fact]
    public async Task ARefusedLaunchKeepsTheDraftAndPointsAtTheSignerAndABadFormSavesNothing()
    {
        var landline = await _api.ContactAsync("Marc", "Leroy", "marc.leroy@example.fr", "01 45 67 89 10");
        var document = await _api.DocumentAsync("Offre d'achat Leroy");
        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        var drafts = await DraftCountAsync();

        // Nothing chosen at all: every error at once, each once, and no draft.
        await agent.GotoAsync("/procedures/new");
        await agent.GetByTestId("expires-in-days").FillAsync("0");
        await agent.GetByTestId("launch-button").ClickAsync();
        await Assertions.Expect(agent.Locator("[data-testid=field-error][data-field=document_id]")).ToHaveCountAsync(1);
        await Assertions.Expect(agent.Locator("[data-testid=field-error][data-field=expires_in_days]")).ToHaveCountAsync(1);
        await Assertions.Expect(agent.Locator("[data-testid=field-error][data-field=signers]")).ToHaveCountAsync(1);
        await Assertions.Expect(agent.GetByTestId("error-message").Locator("li")).ToHaveCountAsync(0); // not repeated at the top
        await BrowserApp.ScreenshotAsync(agent, "agent-new-procedure-all-errors");
        Assert.Equal(drafts, await DraftCountAsync());

        // A form that is right but a signer who cannot receive an SMS: the draft is kept and the form points at him.
        await agent.GetByTestId("document-select").SelectOptionAsync(document);
        await agent.GetByTestId("expires-in-days").FillAsync("30");
        var row = agent.GetByTestId("signer-row").First;
        await row.GetByTestId("signer-select").SelectOptionAsync($"contact:{landline}");
        await agent.GetByTestId("mode-remote").ClickAsync();
        await agent.GetByTestId("launch-button").ClickAsync();
        await Assertions.Expect(agent).ToHaveURLAsync(new Regex(@"/procedures/new\?brouillon=prc_"));
        var error = agent.GetByTestId("signer-row").First.Locator("[data-testid=field-error][data-field='signers[0].mobile']");
        await Assertions.Expect(error).ToContainTextAsync("ne peut pas recevoir de SMS");
        await Assertions.Expect(agent.GetByTestId("signer-row").First.GetByTestId("fix-contact-link")).ToBeVisibleAsync();
        await Assertions.Expect(agent.GetByTestId("error-message")).ToContainTextAsync("enregistrée en brouillon");
        await BrowserApp.ScreenshotAsync(agent, "agent-refused-launch-keeps-draft");
        Assert.Equal(drafts + 1, await DraftCountAsync());

        // The draft is listed; launched again from its status page, it comes back to the form with the same error.
        var draft = new Regex(@"brouillon=(prc_[A-Za-z0-9_-]+)").Match(agent.Url).Groups[1].Value;
        await agent.GotoAsync("/procedures?status=draft");
        await Assertions.Expect(agent.Locator($"[data-testid=procedure-row][data-id='{draft}']").GetByTestId("resume-draft-link")).ToBeVisibleAsync();
        await agent.GotoAsync($"/procedures/{draft}");
        await agent.GetByTestId("launch-button").ClickAsync();
        await Assertions.Expect(agent).ToHaveURLAsync(new Regex($@"/procedures/new\?brouillon={draft}$"));
        await Assertions.Expect(agent.Locator("[data-testid=field-error][data-field='signers[0].mobile']")).ToHaveCountAsync(1);

        // The agent fixes the contact; the reopened draft shows the new number and launches.
        await _api.SendAsync(HttpMethod.Patch, $"/api/v1/contacts/{landline}", new { mobile = "06 45 67 89 10" });
        Assert.Equal("+33645678910", (await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{draft}")).GetProperty("signers")[0]
            .GetProperty("mobile").GetString());
        await agent.GotoAsync($"/procedures/new?brouillon={draft}");
        await agent.GetByTestId("launch-button").ClickAsync();
        await Assertions.Expect(agent).ToHaveURLAsync(new Regex($"/procedures/{draft}$"));
        Assert.Equal("ongoing", (await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{draft}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task EditingAContactWhoMustSignWarnsAndOffersTheCorrectionInOneStep()
    {
        var ines = await _api.ContactAsync("Inès", "Roux", "ines.roux@example.fr", "06 51 22 33 44");
        var document = await _api.DocumentAsync("Bail Roux");
        var id = await ProcedureWithPlaceAsync(document, "remote", ines);
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/procedures/{id}/launch");

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/contacts/{ines}");
        await Assertions.Expect(agent.GetByTestId("ongoing-procedures-warning")).ToContainTextAsync("Bail Roux");
        await agent.GetByTestId("contact-email").FillAsync("ines.roux@example.com");
        await agent.GetByTestId("save-contact-button").ClickAsync();

        var item = agent.Locator($"[data-testid=ongoing-procedure][data-procedure-id='{id}']");
        await Assertions.Expect(item).ToHaveAttributeAsync("data-outdated", "true");
        await Assertions.Expect(item).ToContainTextAsync("ines.roux@example.fr");
        await BrowserApp.ScreenshotAsync(agent, "agent-contact-edit-warning");
        await item.GetByTestId("ongoing-correct-link").ClickAsync();

        var form = agent.GetByTestId("correct-form");
        await Assertions.Expect(form).ToBeVisibleAsync();
        await Assertions.Expect(form.GetByTestId("correct-email")).ToHaveValueAsync("ines.roux@example.com");
        await Assertions.Expect(form).ToContainTextAsync("Envoyé précédemment à : ines.roux@example.fr");
        await BrowserApp.ScreenshotAsync(agent, "agent-correct-from-contact");
        await form.GetByTestId("correct-relaunch-button").ClickAsync();
        await Assertions.Expect(agent).ToHaveURLAsync(ProcedureUrl());
        var next = ProcedureUrl().Match(agent.Url).Groups[1].Value;
        Assert.NotEqual(id, next);
        var procedure = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{next}");
        Assert.Equal("ines.roux@example.com", procedure.GetProperty("signers")[0].GetProperty("email").GetString());
        Assert.Equal(2, procedure.GetProperty("signers")[0].GetProperty("field").GetProperty("page").GetInt32());
    }

    [Theory]
    [InlineData(820, 1180, "tablet")]
    [InlineData(390, 844, "phone")]
    public async Task TheReopenedDraftFitsATabletAndAPhone(int width, int height, string device)
    {
        var zoe = await _api.ContactAsync("Zoé", "Marchand", $"zoe.marchand.{device}@example.fr", device == "phone" ? "06 61 22 33 44" : "06 61 22 33 55");
        var document = await _api.DocumentAsync($"Compromis Marchand ({device})");
        var id = await ProcedureWithPlaceAsync(document, "remote", zoe);

        await using var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl, Locale = "fr-FR", ViewportSize = new() { Width = width, Height = height },
            IsMobile = device == "phone", HasTouch = true,
        });
        var agent = await context.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/new?brouillon={id}");
        await Assertions.Expect(agent.GetByTestId("signer-row").First.GetByTestId("signer-select")).ToHaveValueAsync($"contact:{zoe}");
        await Assertions.Expect(agent.GetByTestId("launch-button")).ToBeVisibleAsync();
        var overflow = await agent.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 1, $"the draft form is {overflow} px wider than a {device} screen");
        await BrowserApp.ScreenshotAsync(agent, $"agent-draft-{device}");
    }

    private async Task<int> DraftCountAsync() =>
        (await _api.SendAsync(HttpMethod.Get, "/api/v1/procedures?status=draft&page_size=100")).GetProperty("total").GetInt32();

    [GeneratedRegex(@"/procedures/(prc_[A-Za-z0-9_-]+)$")]
    private static partial Regex ProcedureUrl();
}
