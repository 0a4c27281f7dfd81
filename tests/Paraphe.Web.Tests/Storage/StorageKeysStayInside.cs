using System.Net;
using Paraphe.Testing;
using Paraphe.Web.Platform.Storage;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Storage;

/// <summary>
/// Keys are made by Paraphe from its own ids, and checked again by every store: a hostile id or key never becomes a
/// path outside the store's folder (or another bucket's key). The filesystem store writes 0600 files through a
/// temporary file and leaves none behind.
/// </summary>
public sealed class StorageKeysStayInside : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("paraphe-store-").FullName;

    public static TheoryData<string> Hostile => new()
    {
        "../secret.pdf", "documents/../../etc/passwd.pdf", "documents/agc_1/../../../x.pdf", "/etc/passwd.pdf",
        "documents//doc.pdf", "documents/agc_1/doc.pdf/../../x.pdf", "documents\\agc_1\\doc.pdf", "documents/agc_1/doc%2e%2e.pdf",
        "documents/agc_1/do\0c.pdf", "documents/agc 1/doc.pdf", "documents/agc_1/doc.PDF.exe", "other/agc_1/doc.pdf", "",
        "documents/" + new string('a', 400) + ".pdf", "documents/agc_1/doc", "documents/é/doc.pdf",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task AHostileKeyIsRefusedBeforeAnyFileIsTouched(string key)
    {
        Assert.False(StorageKeys.Valid(key));
        var store = new FileSystemDocumentStore(root);
        Assert.Throws<ArgumentException>(() => store.PathOf(key));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(key, new MemoryStream([1, 2, 3]), default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.OpenReadAsync(key, default));
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public void KeysAreMadeOfIdsOnly()
    {
        Assert.Equal("documents/agc_1/doc_2.pdf", StorageKeys.Document("agc_1", "doc_2"));
        Assert.Throws<ArgumentException>(() => StorageKeys.Document("agc_1", "../doc_2"));
        Assert.Throws<ArgumentException>(() => StorageKeys.Sealed("agc_1", "prc_1", "../../x"));
    }

    [Fact]
    public async Task TheFilesystemStoreWritesPrivateFilesAtomically()
    {
        var store = new FileSystemDocumentStore(root);
        var key = StorageKeys.Document("agc_1", "doc_1");
        var pdf = SamplePdfs.Valid(pageCount: 1);
        await store.PutAsync(key, new MemoryStream(pdf), default);
        await store.PutAsync(key, new MemoryStream(pdf), default); // again (a migration resumed): same object

        var path = store.PathOf(key);
        Assert.Equal(Path.Combine(root, "documents", "agc_1", "doc_1.pdf"), path);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal([path], Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories));
        await using (var read = await store.OpenReadAsync(key, default))
        {
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(pdf, copy.ToArray());
        }
        await Assert.ThrowsAsync<StoredObjectMissingException>(() => store.OpenReadAsync(StorageKeys.Document("agc_1", "doc_2"), default));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}

/// <summary>Hostile ids in the document routes answer 404, never a file from elsewhere or a 500.</summary>
public abstract class HostileDocumentIds(ParapheApp app)
{
    [Theory]
    [InlineData("..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("..%5C..%5Csigning.key")]
    [InlineData("%2E%2E")]
    [InlineData("documents%2Fagc_1%2F..%2F..%2Fsealing%2Fdev-ca")]
    public async Task AHostileIdIsNotFound(string id)
    {
        var response = await app.Api().GetAsync($"/api/v1/documents/{id}/file");
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest,
            $"{id} → {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class HostileDocumentIdsOnSqlite(SqliteApp app) : HostileDocumentIds(app);

[Collection(PostgresS3Collection.Name)]
public sealed class HostileDocumentIdsOnS3Postgres(PostgresS3App app) : HostileDocumentIds(app);
