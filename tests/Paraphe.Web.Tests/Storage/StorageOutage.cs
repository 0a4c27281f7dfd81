using System.Net;
using Microsoft.EntityFrameworkCore;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Storage;

/// <summary>
/// The S3 service goes away: an upload answers `503 storage_unavailable` with Retry-After and leaves no document row
/// behind; a download answers the same; when the service is back, both work again and nothing was lost. An app of its
/// own (it stops its s3rver).
/// </summary>
public sealed class StorageOutage : IAsyncLifetime
{
    private readonly SqliteS3App app = new();

    public Task InitializeAsync() => ((IAsyncLifetime)app).InitializeAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task AStoreDownAnswers503WithNothingHalfWrittenAndRecovers()
    {
        var api = app.Api();
        var before = await Expect.JsonAsync(await api.UploadAsync(SamplePdfs.Valid(pageCount: 2), "Avant la panne"), HttpStatusCode.Created);
        var documents = await CountAsync();

        await app.S3.StopAsync();
        var refused = await api.UploadAsync(SamplePdfs.Valid(pageCount: 3), "Pendant la panne");
        var problem = await Expect.ProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "storage_unavailable");
        Assert.Contains("stockage", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(documents, await CountAsync()); // no row names an object that was never written

        var download = await api.GetAsync($"/api/v1/documents/{before.Str("id")}/file");
        await Expect.ProblemAsync(download, HttpStatusCode.ServiceUnavailable, "storage_unavailable");

        await app.S3.RestartAsync();
        await Expect.JsonAsync(await api.UploadAsync(SamplePdfs.Valid(pageCount: 3), "Après la panne"), HttpStatusCode.Created);
        var again = await api.GetAsync($"/api/v1/documents/{before.Str("id")}/file");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(SamplePdfs.Valid(pageCount: 2), await again.Content.ReadAsByteArrayAsync());
    }

    private Task<int> CountAsync() => app.DbAsync(db => db.Documents.IgnoreQueryFilters().CountAsync());
}
