namespace Paraphe.Browser.Tests;

public class SmokeTmp(BrowserApp app) : IClassFixture<BrowserApp>
{
    [Fact]
    public async Task ChromiumReachesTheApp()
    {
        await using var ctx = await app.AgentContextAsync();
        var page = await ctx.NewPageAsync();
        await page.GotoAsync("/api/v1");
        Assert.Contains("Paraphe API", await page.ContentAsync());
    }
}
