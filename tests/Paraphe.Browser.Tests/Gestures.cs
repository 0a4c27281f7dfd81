using Microsoft.Playwright;

namespace Paraphe.Browser.Tests;

public static class Gestures
{
    /// <summary>Draws a zigzag on the signature canvas with the pointer.</summary>
    public static async Task DrawSignatureAsync(IPage page)
    {
        // The document above the pad takes its height once pdf.js has drawn it: draw after that, not while it moves.
        var viewer = page.GetByTestId("document-viewer");
        if (await viewer.CountAsync() > 0)
            await Assertions.Expect(viewer).ToHaveAttributeAsync("data-state", new System.Text.RegularExpressions.Regex("^(ready|failed)$"));
        var canvas = page.GetByTestId("signature-canvas");
        await canvas.ScrollIntoViewIfNeededAsync();
        var box = await canvas.BoundingBoxAsync() ?? throw new InvalidOperationException("canvas not visible");
        await page.Mouse.MoveAsync(box.X + box.Width * 0.15f, box.Y + box.Height * 0.6f);
        await page.Mouse.DownAsync();
        foreach (var (x, y) in new[] { (0.3f, 0.3f), (0.45f, 0.7f), (0.6f, 0.35f), (0.8f, 0.65f) })
            await page.Mouse.MoveAsync(box.X + box.Width * x, box.Y + box.Height * y, new MouseMoveOptions { Steps = 6 });
        await page.Mouse.UpAsync();
    }

    /// <summary>Logs the demo director in.</summary>
    public static async Task LogInAsync(IPage page)
    {
        await page.GotoAsync("/login");
        await page.GetByTestId("login-email").FillAsync(BrowserApp.AgentEmail);
        await page.GetByTestId("login-password").FillAsync(BrowserApp.AgentPassword);
        await page.GetByTestId("login-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("nav")).ToBeVisibleAsync();
    }

    /// <summary>The agent takes the tablet back: « Espace agent », their password, « Déverrouiller ».</summary>
    public static async Task UnlockKioskAsync(IPage page, string password = BrowserApp.AgentPassword)
    {
        var field = page.GetByTestId("kiosk-password");
        if (!await field.IsVisibleAsync()) await page.GetByTestId("kiosk-unlock-open").ClickAsync(); // open after a wrong one
        await field.FillAsync(password);
        await page.GetByTestId("kiosk-unlock-button").ClickAsync();
    }
}
