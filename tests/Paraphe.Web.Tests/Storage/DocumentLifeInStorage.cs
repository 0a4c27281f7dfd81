using System.Net;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Storage;

/// <summary>
/// A document's whole life with each storage provider (filesystem, s3 through a real s3rver) on each database:
/// upload, sign, seal, download, verify, send to the notary. The rows name objects (no bytes in the database), the
/// objects are what was uploaded and sealed (by SHA-256), and every download gives them back byte for byte.
/// </summary>
public abstract class DocumentLifeInStorage(ParapheApp app)
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task AnUploadIsInTheStoreWithItsHashAndComesBackByteForByte()
    {
        var pdf = SamplePdfs.Valid(pageCount: 3);
        var uploaded = await Expect.JsonAsync(await api.UploadAsync(pdf, "Bail rue des Tanneurs"), HttpStatusCode.Created);
        var id = uploaded.Str("id");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), uploaded.Str("sha256"));

        var row = await app.DbAsync(db => db.DocumentContents.IgnoreQueryFilters().SingleAsync(c => c.DocumentId == id));
        Assert.Null(row.Bytes);
        Assert.StartsWith("documents/", row.StorageKey, StringComparison.Ordinal);
        Assert.EndsWith($"/{id}.pdf", row.StorageKey, StringComparison.Ordinal);
        Assert.Equal(uploaded.Str("sha256"), await app.Files.Sha256Async(row.StorageKey, null, default));

        var file = await api.GetAsync($"/api/v1/documents/{id}/file");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("application/pdf", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(pdf, await file.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task SignedSealedDownloadedVerifiedAndSentToTheNotaryFromTheStore()
    {
        var (id, _) = await api.CompletedInPersonAsync();
        var sealedProcedure = await api.WaitForSealedAsync(id);

        var row = await app.DbAsync(db => db.SealedDocuments.IgnoreQueryFilters().SingleAsync(d => d.ProcedureId == id));
        Assert.Null(row.Bytes);
        Assert.Equal($"sealed/{row.AgencyId}/{id}/{row.Sha256}.pdf", row.StorageKey);
        Assert.Equal(sealedProcedure.Str("sealed_sha256"), row.Sha256);

        var signed = await api.GetAsync($"/api/v1/procedures/{id}/signed-document");
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        var pdf = await signed.Content.ReadAsByteArrayAsync();
        Assert.Equal(row.Size, pdf.LongLength);
        Assert.Equal(row.Sha256, Convert.ToHexStringLower(SHA256.HashData(pdf)));
        Assert.Contains("Signature is Valid.", await PdfsigAsync(pdf), StringComparison.Ordinal);

        var audit = await api.AuditAsync(id);
        Assert.True(audit.GetProperty("valid").GetBoolean());
        Assert.True(audit.GetProperty("sealed_document").GetProperty("valid").GetBoolean());

        using (var form = new MultipartFormDataContent { { new ByteArrayContent(pdf), "file", "contrat.pdf" } })
        {
            var verified = await Expect.JsonAsync(await app.Anonymous().PostAsync("/api/v1/verify", form), HttpStatusCode.OK);
            Assert.Equal("intact", verified.Str("result"));
        }

        var notary = $"etude.{Guid.NewGuid():N}"[..18] + "@notaires.fr";
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/send-to-notary", new { email = notary }), HttpStatusCode.Accepted);
        var mail = (await api.WaitForOutboxAsync(notary))[0];
        var attached = Assert.Single(mail.Arr("attachments")); // small: attached, read from the store
        Assert.Equal(pdf.LongLength, attached.GetProperty("size").GetInt64());
        var link = mail.Arr("links").Select(l => l.GetString()!).Single(l => l.Contains("/telechargement/", StringComparison.Ordinal));
        var downloaded = await app.Anonymous().GetAsync(new Uri(link).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, downloaded.StatusCode);
        Assert.Equal(pdf, await downloaded.Content.ReadAsByteArrayAsync());
        var events = (await api.AuditAsync(id)).Arr("events");
        Assert.Contains(events, e => e.Str("type") == "document.downloaded" && e.GetProperty("data").Str("to") == notary);
    }

    [Fact]
    public async Task TheSignerOpensTheDocumentFromTheStoreThroughTheLink()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var original = await (await api.GetAsync($"/api/v1/documents/{procedure.Str("document_id")}/file")).Content.ReadAsByteArrayAsync();
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        var response = await app.Anonymous().GetAsync($"/api/v1/signing/{token}/document");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(original, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(procedure.Str("document_sha256"), Convert.ToHexStringLower(SHA256.HashData(original)));
    }

    [Fact]
    public async Task AManualProcedureSealsItsScanFromTheStore()
    {
        var (procedure, _) = await api.LaunchedAsync("manual", signers: 1);
        var id = procedure.Str("id");
        var scan = SamplePdfs.Valid(pageCount: 2);
        await Expect.JsonAsync(await api.Http.PostAsync($"/api/v1/procedures/{id}/mark-signed", Api.PdfForm(scan)), HttpStatusCode.OK);
        var scanId = await app.DbAsync(db => db.Procedures.IgnoreQueryFilters().Where(p => p.Id == id).Select(p => p.ScannedDocumentId).SingleAsync());
        var row = await app.DbAsync(db => db.DocumentContents.IgnoreQueryFilters().SingleAsync(c => c.DocumentId == scanId));
        Assert.Null(row.Bytes);
        Assert.NotNull(row.StorageKey);

        await api.WaitForSealedAsync(id);
        var signed = await api.GetAsync($"/api/v1/procedures/{id}/signed-document");
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Contains("Signature is Valid.", await PdfsigAsync(await signed.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
    }

    private async Task<string> PdfsigAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"paraphe-stored-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try { return await Pdfsig.VerifyAsync(path, Path.Combine(app.DataDirectory, "sealing", "dev-ca.pem")); }
        finally { File.Delete(path); }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class DocumentLifeOnFilesystemSqlite(SqliteApp app) : DocumentLifeInStorage(app);

[Collection(PostgresCollection.Name)]
public sealed class DocumentLifeOnFilesystemPostgres(PostgresApp app) : DocumentLifeInStorage(app);

[Collection(SqliteS3Collection.Name)]
public sealed class DocumentLifeOnS3Sqlite(SqliteS3App app) : DocumentLifeInStorage(app);

[Collection(PostgresS3Collection.Name)]
public sealed class DocumentLifeOnS3Postgres(PostgresS3App app) : DocumentLifeInStorage(app);
