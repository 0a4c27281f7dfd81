using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paraphe.Data.Records;
using Paraphe.Testing;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Platform;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Instances;

/// <summary>
/// Issue 11: two instances with data directories of their own sign links and seal documents alike — the signing-link
/// key and the development seal certificate are generated once in the database — and an older install's key file is
/// moved there, so its links keep working.
/// </summary>
public abstract class SecretsAcrossInstances(ParapheApp app)
{
    [Fact]
    public async Task ALinkMadeOnOneInstanceOpensOnTheOther()
    {
        await using var second = new AnotherInstance(app);
        var (procedure, _) = await app.Api().LaunchedAsync("remote", signers: 1);
        var signerId = procedure.Signers()[0].Str("id");
        var token = app.Services.GetRequiredService<SigningLinks>().TokenFor(signerId);
        Assert.Equal(token, second.Services.GetRequiredService<SigningLinks>().TokenFor(signerId));
        var view = await Expect.JsonAsync(await second.CreateClient().GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.OK);
        Assert.Equal(procedure.Str("title"), view.Str("title"));
        Assert.False(File.Exists(Path.Combine(second.DataDirectory, "signing.key")), "the key lives in the database, not in each instance's directory");
    }

    [Fact]
    public async Task BothInstancesSealWithOneCertificateAndVerifyEachOthersDocuments()
    {
        await using var second = new AnotherInstance(app);
        var mine = app.Services.GetRequiredService<SealCertificates>().Seal;
        var theirs = second.Services.GetRequiredService<SealCertificates>().Seal;
        Assert.Equal(mine.Thumbprint, theirs.Thumbprint);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, "sealing", "dev-ca.pem")),
            await File.ReadAllTextAsync(Path.Combine(second.DataDirectory, "sealing", "dev-ca.pem")));
        Assert.False(File.Exists(Path.Combine(second.DataDirectory, "sealing", "dev-seal.pfx")), "the seal's key lives in the database");

        var api = app.Api();
        var (id, _) = await api.CompletedInPersonAsync();
        await api.WaitForSealedAsync(id); // by either instance's sealing worker
        var pdf = await (await api.GetAsync($"/api/v1/procedures/{id}/signed-document")).Content.ReadAsByteArrayAsync();
        foreach (var instance in new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>[] { app, second })
        {
            var verdict = await Expect.JsonAsync(await instance.CreateClient().PostAsync("/api/v1/verify", Api.PdfForm(pdf)), HttpStatusCode.OK);
            Assert.Equal("intact", verdict.Str("result"));
        }
        var report = await Pdfsig.VerifyAsync(await WriteAsync(pdf), Path.Combine(second.DataDirectory, "sealing", "dev-ca.pem"));
        Assert.Contains("Signature is Valid.", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOlderInstallsKeyFileIsMovedIntoTheDatabaseAndEveryInstanceUsesIt()
    {
        // An install older than the table: its own database and its signing.key, which links already in mailboxes use.
        var key = RandomNumberGenerator.GetBytes(32);
        var directory = Directory.CreateTempSubdirectory("paraphe-older-").FullName;
        var cs = app.ConnectionString is null ? $"Data Source={Path.Combine(directory, "paraphe.db")}"
            : await (await PostgresCluster.SharedAsync()).CreateUniqueDatabaseAsync("secrets");
        var older = new AnotherInstance(app, connectionString: cs, dataDirectory: directory);
        await using (older)
        {
            await File.WriteAllTextAsync(Path.Combine(older.DataDirectory, "signing.key"), Convert.ToBase64String(key));
            var expected = new SigningLinks(Options.Create(new ParapheOptions { SigningKey = Convert.ToBase64String(key), PublicBaseUrl = ParapheApp.PublicBaseUrl }))
                .TokenFor("sig_older");
            _ = older.Server;
            Assert.Equal(expected, older.Services.GetRequiredService<SigningLinks>().TokenFor("sig_older"));
            await using var scope = older.Services.CreateAsyncScope();
            var stored = await scope.ServiceProvider.GetRequiredService<Paraphe.Data.ParapheDbContext>().PlatformSecrets
                .SingleAsync(s => s.Name == PlatformSecretNames.SigningKey);
            Assert.Equal(Convert.ToBase64String(key), stored.Value);

            // A new instance beside it, with an empty directory, signs links alike.
            await using var added = new AnotherInstance(app, connectionString: cs);
            Assert.Equal(expected, added.Services.GetRequiredService<SigningLinks>().TokenFor("sig_older"));
        }
    }

    private static async Task<string> WriteAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"paraphe-sealed-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        return path;
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SecretsAcrossInstancesOnSqlite(SqliteApp app) : SecretsAcrossInstances(app);

[Collection(PostgresCollection.Name)]
public sealed class SecretsAcrossInstancesOnPostgres(PostgresApp app) : SecretsAcrossInstances(app);
