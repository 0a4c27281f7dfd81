using System.Net;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data.Records;
using Paraphe.Domain.Documents;
using Paraphe.Testing;
using Paraphe.Web.Platform.Storage;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Storage;

/// <summary>
/// Rows written the old way (bytes in `document_contents` / `sealed_documents`) are moved to the store when an instance
/// starts: the rows then name objects and hold no bytes, every download gives the same bytes as before, and a second
/// pass moves nothing. One document is already in the store under its key (a crash between the copy and the update):
/// it is copied again and moved like the others.
/// </summary>
public abstract class StoredContentMigrationRuns(ParapheApp app)
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task RowsWrittenBeforeTheStoreAreMovedAtStartAndStillDownloadByteForByte()
    {
        var agencyId = await app.DemoAgencyIdAsync();
        // The pass at start of every instance already on the database (this app, and the PostgreSQL collection's second
        // instance) must be over before the old-style rows are written, or it moves them itself (the collection's first
        // test starts the app a moment before this).
        foreach (var services in app.EveryInstance)
            await services.GetRequiredService<StoredContentMigration>().Completion.WaitAsync(TimeSpan.FromMinutes(2));
        var pdfs = Enumerable.Range(2, 3).Select(pages => SamplePdfs.Valid(pageCount: pages)).ToArray();
        var documentIds = new List<string>();
        await app.DbAsync(async db =>
        {
            foreach (var pdf in pdfs)
            {
                var document = Document.Create(agencyId, "Ancien compromis", "compromis", Convert.ToHexStringLower(SHA256.HashData(pdf)),
                    PdfInspectorPages(pdf), pdf.LongLength, app.Clock.GetUtcNow().UtcDateTime, null);
                db.Documents.Add(document);
                db.DocumentContents.Add(new DocumentContent { DocumentId = document.Id, AgencyId = agencyId, Bytes = pdf });
                documentIds.Add(document.Id);
            }
            await db.SaveChangesAsync();
        });
        // A crash after the copy and before the row's update: the object exists, the row still has its bytes.
        await app.Files.PutAsync(StorageKeys.Document(agencyId, documentIds[0]), pdfs[0], default);

        // A sealed document as older versions stored it: its bytes in the row, no object.
        var (procedureId, _) = await api.CompletedInPersonAsync();
        await api.WaitForSealedAsync(procedureId);
        var sealedPdf = await (await api.GetAsync($"/api/v1/procedures/{procedureId}/signed-document")).Content.ReadAsByteArrayAsync();
        var oldKey = await app.DbAsync(async db =>
        {
            var row = await db.SealedDocuments.IgnoreQueryFilters().SingleAsync(d => d.ProcedureId == procedureId);
            var key = row.StorageKey!;
            row.Bytes = sealedPdf;
            row.StorageKey = null;
            await db.SaveChangesAsync();
            return key;
        });
        await app.Files.Store.DeleteAsync(oldKey, default);

        // Still served from the database before any migration.
        Assert.Equal(pdfs[1], await (await api.GetAsync($"/api/v1/documents/{documentIds[1]}/file")).Content.ReadAsByteArrayAsync());

        // Another instance starts on the same database and store: it moves them.
        await using (var second = app.WithWebHostBuilder(_ => { }))
        {
            _ = second.Server;
            var migration = second.Services.GetRequiredService<StoredContentMigration>();
            var result = await migration.Completion.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(new StoredContentMigration.Result(3, 1, 0), result);
            Assert.Equal(new StoredContentMigration.Result(0, 0, 0), await migration.MoveAllAsync(default)); // idempotent
        }

        var contents = await app.DbAsync(db => db.DocumentContents.IgnoreQueryFilters().Where(c => documentIds.Contains(c.DocumentId)).ToListAsync());
        Assert.All(contents, c => Assert.Null(c.Bytes));
        Assert.All(contents, c => Assert.Equal(StorageKeys.Document(agencyId, c.DocumentId), c.StorageKey));
        foreach (var (id, pdf) in documentIds.Zip(pdfs))
        {
            var file = await api.GetAsync($"/api/v1/documents/{id}/file");
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal(pdf, await file.Content.ReadAsByteArrayAsync());
        }

        var moved = await app.DbAsync(db => db.SealedDocuments.IgnoreQueryFilters().SingleAsync(d => d.ProcedureId == procedureId));
        Assert.Null(moved.Bytes);
        Assert.Equal(oldKey, moved.StorageKey); // keyed by the hash of its bytes, as a new seal is
        Assert.Equal(sealedPdf, await (await api.GetAsync($"/api/v1/procedures/{procedureId}/signed-document")).Content.ReadAsByteArrayAsync());
        Assert.True((await api.AuditAsync(procedureId)).GetProperty("sealed_document").GetProperty("valid").GetBoolean());
    }

    private static int PdfInspectorPages(byte[] pdf) => Paraphe.Web.Features.Documents.PdfInspector.Inspect(pdf).Pages;
}

[Collection(SqliteCollection.Name)]
public sealed class StoredContentMigrationOnFilesystemSqlite(SqliteApp app) : StoredContentMigrationRuns(app);

[Collection(PostgresCollection.Name)]
public sealed class StoredContentMigrationOnFilesystemPostgres(PostgresApp app) : StoredContentMigrationRuns(app);

[Collection(SqliteS3Collection.Name)]
public sealed class StoredContentMigrationOnS3Sqlite(SqliteS3App app) : StoredContentMigrationRuns(app);

[Collection(PostgresS3Collection.Name)]
public sealed class StoredContentMigrationOnS3Postgres(PostgresS3App app) : StoredContentMigrationRuns(app);
