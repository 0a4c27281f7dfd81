using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Paraphe.Testing;
using Paraphe.Testing.Simulators;
using Paraphe.Web.Platform.Configuration;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 6: in the Production environment Paraphe refuses demo settings and every bad setting at start-up,
/// with a sentence naming the key (and exit code 2 for the real process), and starts with good settings — without the
/// demo agency and its public key unless asked for.
/// </summary>
public sealed class ProductionSettings
{
    /// <summary>What an operator would set: https, real providers (nothing listens: nothing is sent in these tests).</summary>
    public static Dictionary<string, string?> Good() => new()
    {
        ["Paraphe:PublicBaseUrl"] = "https://signature.agence-exemple.fr",
        ["Paraphe:Email:Provider"] = "smtp",
        ["Paraphe:Email:From"] = "signature@agence-exemple.fr",
        ["Paraphe:Email:Smtp:Host"] = "127.0.0.1",
        ["Paraphe:Email:Smtp:Port"] = "9",
        ["Paraphe:Sms:Provider"] = "twilio",
        ["Paraphe:Sms:Twilio:AccountSid"] = TwilioSimulator.AccountSid,
        ["Paraphe:Sms:Twilio:AuthToken"] = TwilioSimulator.AuthToken,
        ["Paraphe:Sms:Twilio:From"] = "+33600000000",
        ["Paraphe:Sms:Twilio:BaseUrl"] = "http://127.0.0.1:9",
    };

    private sealed class ProductionApp(Dictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        public string DataDirectory { get; } = Directory.CreateTempSubdirectory("paraphe-production-").FullName;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Paraphe:DataDirectory", DataDirectory);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(DataDirectory, recursive: true); }
            catch (IOException) { }
        }
    }

    private static async Task<string> StartFailureAsync(Dictionary<string, string?> settings)
    {
        await using var app = new ProductionApp(settings);
        var e = Assert.ThrowsAny<Exception>(() => app.Server);
        return StartupFailure.Describe(e) ?? throw new Xunit.Sdk.XunitException($"Not reported as a configuration problem: {e}");
    }

    private static Dictionary<string, string?> GoodWith(string key, string? value)
    {
        var settings = Good();
        settings[key] = value;
        return settings;
    }

    public static TheoryData<string, string, string> BadSettings() => new()
    {
        // provider names, the demo's capture providers
        { "Paraphe:Email:Provider", "smtpp", "Paraphe:Email:Provider « smtpp » est inconnu" },
        { "Paraphe:Sms:Provider", "twillio", "Paraphe:Sms:Provider « twillio » est inconnu" },
        { "Paraphe:Sms:Fallback", "brevoo", "Paraphe:Sms:Fallback « brevoo » est inconnu" },
        { "Paraphe:Email:Provider", "capture", "Paraphe:Email:Provider est « capture » en Production" },
        { "Paraphe:Sms:Provider", "capture", "Paraphe:Sms:Provider est « capture » en Production" },
        // our addresses
        { "Paraphe:Email:From", "signature agence-exemple.fr", "Paraphe:Email:From « signature agence-exemple.fr »" },
        { "Paraphe:Email:From", "Agence <signature@agence-exemple.fr>", "Paraphe:Email:From" },
        { "Paraphe:Email:From", "signature@localhost", "Paraphe:Email:From" },
        { "Paraphe:Email:BounceAddress", "bounces@@agence-exemple.fr", "Paraphe:Email:BounceAddress" },
        { "Paraphe:PublicBaseUrl", "http://signature.agence-exemple.fr", "Paraphe:PublicBaseUrl « http://signature.agence-exemple.fr » doit commencer par https://" },
        { "Paraphe:PublicBaseUrl", "signature.agence-exemple.fr", "Paraphe:PublicBaseUrl « signature.agence-exemple.fr » doit être une adresse absolue" },
        // keys and secrets
        { "Paraphe:SigningKey", Convert.ToBase64String(new byte[16]), "Paraphe:SigningKey doit être une clé de 32 octets" },
        { "Paraphe:SigningKey", "pas du base64 !", "Paraphe:SigningKey" },
        { "Paraphe:Sms:Twilio:AuthToken", "court", "Paraphe:Sms:Twilio:AuthToken est trop court" },
        // numbers and durations
        { "Paraphe:Outbox:RetryFor", "400.00:00:00", "Paraphe:Outbox:RetryFor" },
        { "Paraphe:Outbox:PollInterval", "00:00:00", "Paraphe:Outbox:PollInterval" },
        { "Paraphe:Outbox:BatchSize", "beaucoup", "'Paraphe:Outbox:BatchSize'" },
        { "Paraphe:MaxUploadMegabytes", "0", "Paraphe:MaxUploadMegabytes" },
        { "Paraphe:Verify:PerMinute", "0", "Paraphe:Verify:PerMinute" },
        { "Paraphe:Email:Smtp:Port", "70000", "Paraphe:Email:Smtp:Port" },
        { "Paraphe:Email:Smtp:AcceptAnyCertificate", "true", "Paraphe:Email:Smtp:AcceptAnyCertificate" },
        { "Paraphe:Sms:Failover:FailuresBeforeOpen", "0", "Paraphe:Sms:Failover:FailuresBeforeOpen" },
        { "Paraphe:Sealing:TsaUrl", "horodatage", "Paraphe:Sealing:TsaUrl" },
        { "Paraphe:Sealing:CertificatePath", "/nulle/part/sceau.pfx", "Paraphe:Sealing:CertificatePath" },
        { "Paraphe:Reminders:Interval", "-00:01:00", "Paraphe:Reminders:Interval" },
        // document storage
        { "Paraphe:Storage:Provider", "ftp", "Paraphe:Storage:Provider « ftp » est inconnu" },
        { "Paraphe:Storage:Provider", "s3", "Paraphe:Storage:S3:Bucket est vide" },
        // the reverse proxy
        { "Paraphe:ForwardedHeaders:KnownProxies:0", "10.0.0.300", "Paraphe:ForwardedHeaders:KnownProxies « 10.0.0.300 »" },
        { "Paraphe:ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33", "Paraphe:ForwardedHeaders:KnownNetworks « 10.0.0.0/33 »" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task ABadSettingStopsTheStartWithASentenceNamingTheKey(string key, string value, string expected)
    {
        var message = await StartFailureAsync(GoodWith(key, value));

        Assert.StartsWith("Configuration invalide :", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryProblemIsListedAtOnce()
    {
        var settings = GoodWith("Paraphe:Email:Provider", "smtpp");
        settings["Paraphe:PublicBaseUrl"] = "http://signature.agence-exemple.fr";
        settings["Paraphe:Sms:Provider"] = "capture";

        var message = await StartFailureAsync(settings);

        Assert.Contains("Paraphe:Email:Provider", message, StringComparison.Ordinal);
        Assert.Contains("Paraphe:PublicBaseUrl", message, StringComparison.Ordinal);
        Assert.Contains("Paraphe:Sms:Provider", message, StringComparison.Ordinal);
    }

    /// <summary>The shipped appsettings.json is a demo's (capture providers, http, a public demo key): refused as it is.</summary>
    [Fact]
    public async Task TheShippedDemoSettingsAreRefusedInProduction()
    {
        var message = await StartFailureAsync([]);

        Assert.Contains("Paraphe:Email:Provider est « capture »", message, StringComparison.Ordinal);
        Assert.Contains("Paraphe:Sms:Provider est « capture »", message, StringComparison.Ordinal);
        Assert.Contains("Paraphe:PublicBaseUrl", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoodSettingsStartWithoutTheDemoAgencyNorItsPublicKey()
    {
        await using var app = new ProductionApp(Good());
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "pk_demo_paraphe_local_key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/procedures")).StatusCode);
        var login = await (await app.CreateClient().GetAsync("/login")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("demo-paraphe", login, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDemoAndCaptureCanBeAskedForExplicitly()
    {
        var settings = GoodWith("Paraphe:Email:Provider", "capture");
        settings["Paraphe:Sms:Provider"] = "capture";
        settings["Paraphe:Capture:AllowInProduction"] = "true";
        settings["Paraphe:Demo:Enabled"] = "true";
        await using var app = new ProductionApp(settings);
        using var client = app.CreateClient();

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "pk_demo_paraphe_local_key");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/procedures")).StatusCode);
    }

    // ---- the real process ------------------------------------------------------------------------------------------

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Paraphe.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Paraphe.slnx not found above " + AppContext.BaseDirectory);
    }

    private static Process StartParaphe(string dataDirectory, Dictionary<string, string?> settings, int port)
    {
        var dll = Path.Combine(RepositoryRoot(), "src", "Paraphe.Web", "bin", "Debug", "net10.0", "Paraphe.Web.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build src/Paraphe.Web first.");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("Paraphe__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Paraphe__DataDirectory"] = dataDirectory;
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
    }

    [Fact]
    public async Task TheRealProcessPrintsWhatToFixAndExitsWithCode2()
    {
        var data = Directory.CreateTempSubdirectory("paraphe-production-process-").FullName;
        try
        {
            var settings = GoodWith("Paraphe:Email:Provider", "smtpp");
            settings["Paraphe:Sms:Provider"] = "capture";
            using var process = StartParaphe(data, settings, FreeTcpPort.Next());
            var errors = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new Xunit.Sdk.XunitException($"Paraphe still ran after 2 minutes with bad settings: {await output}");
            }

            var stderr = await errors;
            Assert.Equal(StartupFailure.ExitCode, process.ExitCode);
            Assert.StartsWith("Configuration invalide :", stderr, StringComparison.Ordinal);
            Assert.Contains("Paraphe:Email:Provider « smtpp » est inconnu", stderr, StringComparison.Ordinal);
            Assert.Contains("Paraphe:Sms:Provider est « capture » en Production", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal); // a sentence, not a stack trace
            Assert.False(File.Exists(Path.Combine(data, "paraphe.db")), "the database was created before the settings were checked");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task TheRealProcessStartsWithGoodSettingsAndSendsNoServerHeader()
    {
        var data = Directory.CreateTempSubdirectory("paraphe-production-process-").FullName;
        var port = FreeTcpPort.Next();
        using var process = StartParaphe(data, Good(), port);
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            HttpResponseMessage? health = null;
            var watch = Stopwatch.StartNew();
            while (health is null && !process.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2))
            {
                try { health = await http.GetAsync("/health"); }
                catch (HttpRequestException) { await Task.Delay(200); }
            }
            Assert.True(health is not null, $"Paraphe did not answer /health within 2 minutes (exited: {process.HasExited}).");
            Assert.Equal(HttpStatusCode.OK, health!.StatusCode);
            Assert.False(health.Headers.Contains("Server"), "Kestrel's Server header is still sent");
            Assert.Equal("nosniff", health.Headers.GetValues("X-Content-Type-Options").Single());
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            _ = await errors;
            _ = await output;
            Directory.Delete(data, recursive: true);
        }
    }
}
