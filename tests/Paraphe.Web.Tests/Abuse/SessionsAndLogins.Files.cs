using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>Issue 9, point 5: the data directory and its secrets are Paraphe's user's only; cookies are HttpOnly, SameSite, Secure over HTTPS.</summary>
public abstract partial class SessionsAndLogins
{
    // ---- Files ----

    [Fact]
    public void TheDataDirectoryAndItsSecretsAreReadableByParaphesUserOnly()
    {
        if (OperatingSystem.IsWindows()) return;
        // The signing key and the development seal are kept in the database (issue 11: the same on every instance), not here.
        _ = app.Services.GetService(typeof(Paraphe.Web.Features.Signing.SigningLinks));
        _ = app.Services.GetService(typeof(Paraphe.Web.Features.Sealing.SealCertificates));
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "signing.key")));
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "sealing", "dev-seal.pfx")));
        Assert.Equal(Paraphe.Web.Platform.DataFiles.DirectoryMode, File.GetUnixFileMode(app.DataDirectory));
        var secrets = new List<string>();
        if (app.ConnectionString is null) secrets.AddRange(["paraphe.db", "paraphe.db-wal", "paraphe.db-shm"]);
        foreach (var name in secrets)
        {
            var path = Path.Combine(app.DataDirectory, name);
            Assert.True(File.Exists(path), $"{name} should exist.");
            Assert.True(File.GetUnixFileMode(path) == Paraphe.Web.Platform.DataFiles.FileMode, $"{name}: {File.GetUnixFileMode(path)}");
        }
    }

    [Fact]
    public async Task LooseModesLeftByAnOlderVersionAreTightenedAtStartUp()
    {
        if (OperatingSystem.IsWindows()) return;
        var directory = Directory.CreateTempSubdirectory("paraphe-modes-").FullName;
        try
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101); // 0755
            var key = Path.Combine(directory, "signing.key");
            await File.WriteAllTextAsync(key, Convert.ToBase64String(new byte[32]));
            File.SetUnixFileMode(key, (UnixFileMode)0b110_100_100); // 0644
            await using (var instance = new SecondInstance(app, directory))
            {
                _ = instance.Server; // starts it
                Assert.Equal(Paraphe.Web.Platform.DataFiles.DirectoryMode, File.GetUnixFileMode(directory));
                Assert.Equal(Paraphe.Web.Platform.DataFiles.FileMode, File.GetUnixFileMode(key));
                if (app.ConnectionString is null)
                    Assert.Equal(Paraphe.Web.Platform.DataFiles.FileMode, File.GetUnixFileMode(Path.Combine(directory, "paraphe.db")));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    // ---- Cookies ----

    [Fact]
    public async Task TheSessionCookieIsHttpOnlySameSiteAndSecureWhenPublishedOverHttps()
    {
        var (email, _, _) = await NewAgentAsync();
        var browser = new AgentBrowser(app, NewAddress());
        using var response = await browser.LogInAsync(email, Password);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("paraphe=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie, StringComparison.Ordinal);
        Assert.Contains("samesite=lax", cookie, StringComparison.Ordinal);
        Assert.Contains("secure", cookie, StringComparison.Ordinal); // PublicBaseUrl is https://paraphe.test
    }
}
