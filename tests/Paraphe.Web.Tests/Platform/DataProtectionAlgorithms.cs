using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Paraphe.Web.Features.Sessions;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Platform;

/// <summary>
/// Issue 12 (page7): Data Protection's new keys use AES-256-GCM (<see cref="SessionsSetup.UseParapheAlgorithms"/>).
/// What was protected before the change — an antiforgery cookie and its form token, under a key created with the
/// default AES-256-CBC + HMACSHA256 — still validates after it, and a forged token is still refused.
/// </summary>
public sealed class DataProtectionAlgorithms : IDisposable
{
    private readonly string keys = Directory.CreateTempSubdirectory("paraphe-dp-keys-").FullName;

    /// <summary>Data Protection and antiforgery over one key directory, as the app before page7 (false) or since.</summary>
    private ServiceProvider Services(bool paraphe, string ring = "existing")
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var dataProtection = services.AddDataProtection().SetApplicationName(SessionsSetup.ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(keys, ring)));
        if (paraphe) dataProtection.UseParapheAlgorithms();
        services.AddAntiforgery();
        return services.BuildServiceProvider();
    }

    private static string Algorithm(IKey key) =>
        key.Descriptor.ExportToXml().SerializedDescriptorElement.Element("encryption")?.Attribute("algorithm")?.Value ?? "?";

    private static async Task<bool> PostIsValidAsync(IServiceProvider services, string? cookie, string? requestToken)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = "POST";
        http.Request.ContentType = "application/x-www-form-urlencoded";
        var options = services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value;
        if (cookie is not null) http.Request.Headers.Cookie = $"{options.Cookie.Name}={cookie}";
        var form = new Dictionary<string, StringValues>();
        if (requestToken is not null) form[options.FormFieldName] = requestToken;
        http.Request.Form = new FormCollection(form);
        return await services.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http);
    }

    [Fact]
    public async Task TokensProtectedBeforeTheChangeStillValidateAndNewKeysAreGcm()
    {
        AntiforgeryTokenSet issued;
        byte[] sessionLike;
        using (var before = Services(paraphe: false))
        {
            issued = before.GetRequiredService<IAntiforgery>().GetAndStoreTokens(new DefaultHttpContext { RequestServices = before });
            sessionLike = before.GetRequiredService<IDataProtectionProvider>().CreateProtector("Paraphe.Test").Protect("agent"u8.ToArray());
            Assert.Equal("AES_256_CBC", Algorithm(Assert.Single(before.GetRequiredService<IKeyManager>().GetAllKeys())));
        }

        using var after = Services(paraphe: true);
        Assert.True(await PostIsValidAsync(after, issued.CookieToken, issued.RequestToken), "a form issued before the change is accepted");
        Assert.Equal("agent"u8.ToArray(), after.GetRequiredService<IDataProtectionProvider>().CreateProtector("Paraphe.Test").Unprotect(sessionLike));
        Assert.False(await PostIsValidAsync(after, issued.CookieToken, issued.RequestToken![..^4] + "AAAA"));
        Assert.False(await PostIsValidAsync(after, issued.CookieToken, requestToken: null));
        Assert.False(await PostIsValidAsync(after, cookie: null, issued.RequestToken));

        // The existing key stays the default until it is replaced (a key lives 90 days).
        Assert.Single(after.GetRequiredService<IKeyManager>().GetAllKeys());

        // A new key ring's keys are GCM, and a build without the setting still reads what they protect.
        using var fresh = Services(paraphe: true, ring: "new");
        var underGcm = fresh.GetRequiredService<IDataProtectionProvider>().CreateProtector("Paraphe.Test").Protect("agent"u8.ToArray());
        var gcm = Assert.Single(fresh.GetRequiredService<IKeyManager>().GetAllKeys());
        Assert.Equal("AES_256_GCM", Algorithm(gcm));
        Assert.Equal(gcm.KeyId, new Guid(underGcm.AsSpan(4, 16))); // the payload names its key after the 4-byte header
        var fromGcm = fresh.GetRequiredService<IAntiforgery>().GetAndStoreTokens(new DefaultHttpContext { RequestServices = fresh });
        Assert.True(await PostIsValidAsync(fresh, fromGcm.CookieToken, fromGcm.RequestToken));
        using var rolledBack = Services(paraphe: false, ring: "new");
        Assert.Equal("agent"u8.ToArray(), rolledBack.GetRequiredService<IDataProtectionProvider>().CreateProtector("Paraphe.Test").Unprotect(underGcm));
        Assert.True(await PostIsValidAsync(rolledBack, fromGcm.CookieToken, fromGcm.RequestToken));
    }

    public void Dispose() => Directory.Delete(keys, recursive: true);
}

/// <summary>The app's own key ring (in its database): every key it created is AES-256-GCM.</summary>
public abstract class DataProtectionKeysOfTheApp(ParapheApp app)
{
    [Fact]
    public void TheAppsKeysAreGcm()
    {
        app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Paraphe.Test").Protect([1, 2, 3]);
        var all = app.Services.GetRequiredService<IKeyManager>().GetAllKeys();
        Assert.NotEmpty(all);
        Assert.All(all, key => Assert.Equal("AES_256_GCM", key.Descriptor.ExportToXml().SerializedDescriptorElement
            .Element("encryption")?.Attribute("algorithm")?.Value));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class DataProtectionKeysOfTheAppOnSqlite(SqliteApp app) : DataProtectionKeysOfTheApp(app);

[Collection(PostgresCollection.Name)]
public sealed class DataProtectionKeysOfTheAppOnPostgres(PostgresApp app) : DataProtectionKeysOfTheApp(app);
