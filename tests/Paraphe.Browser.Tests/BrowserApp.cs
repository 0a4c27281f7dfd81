using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;
using Paraphe.Testing;

namespace Paraphe.Browser.Tests;

/// <summary>
/// Paraphe on a real loopback port (SQLite in a temp directory, capture outbox, demo agency) and Debian's
/// Chromium driven by Playwright. One per test class.
/// </summary>
public sealed class BrowserApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ApiKey = "pk_browser_tests_key_0123456789";
    public const string AgentEmail = "directeur@agence-demo.fr";
    public const string AgentPassword = "demo-paraphe";

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("paraphe-browser-").FullName;
    private IPlaywright? _playwright;

    public BrowserApp()
    {
        Port = FreeTcpPort.Next();
        BaseUrl = $"http://127.0.0.1:{Port}";
        UseKestrel(Port);
    }

    public int Port { get; }
    public string BaseUrl { get; }
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The app's data directory (SQLite, and sealing/dev-ca.pem, the development CA).</summary>
    public string DataDirectory => _dataDirectory;

    /// <summary>Screenshots land here (a test artifact under TestResults).</summary>
    public static string ArtifactsDirectory
    {
        get
        {
            var dir = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "TestResults", "screenshots");
            Directory.CreateDirectory(dir);
            return Path.GetFullPath(dir);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Paraphe:DataDirectory", _dataDirectory);
        builder.UseSetting("Paraphe:PublicBaseUrl", BaseUrl);
        builder.UseSetting("Paraphe:Demo:ApiKey", ApiKey);
        builder.UseSetting("Paraphe:Outbox:PollInterval", "00:00:00.200");
    }

    public async Task InitializeAsync()
    {
        // Playwright's 5 s default is too short when the whole suite shares two cores with the browser (a kiosk's
        // document viewer once took longer than that to turn « ready » in CI); waits still end on the awaited state.
        Assertions.SetDefaultExpectTimeout(30_000);
        StartServer();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
    }

    /// <summary>A desktop browser context for the agent.</summary>
    public Task<IBrowserContext> AgentContextAsync() =>
        Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, Locale = "fr-FR", ViewportSize = new() { Width = 1280, Height = 900 } });

    /// <summary>A phone-sized context (390 × 844, touch) for the signer.</summary>
    public Task<IBrowserContext> PhoneContextAsync() =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl, Locale = "fr-FR", ViewportSize = new() { Width = 390, Height = 844 },
            DeviceScaleFactor = 2, IsMobile = true, HasTouch = true,
        });

    /// <summary>A tablet-sized context (820 × 1180, touch): the agency's tablet handed to the client face to face.</summary>
    public Task<IBrowserContext> TabletContextAsync() =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl, Locale = "fr-FR", ViewportSize = new() { Width = 820, Height = 1180 },
            DeviceScaleFactor = 2, IsMobile = true, HasTouch = true,
        });

    /// <summary>A phone without JavaScript: every form must still work.</summary>
    public Task<IBrowserContext> PhoneWithoutScriptsContextAsync() =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl, Locale = "fr-FR", ViewportSize = new() { Width = 390, Height = 844 },
            DeviceScaleFactor = 2, IsMobile = true, HasTouch = true, JavaScriptEnabled = false,
        });

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, name + ".png"), FullPage = true });

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        await DisposeAsync();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }
}
