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

    [Fact]
    public async Task SealingWaitsForTheStoreAndAMessageLeavesWithItsLinkOnly()
    {
        var api = app.Api();
        var (procedure, contacts) = await api.LaunchedAsync("in_person", signers: 1);
        var id = procedure.Str("id");

        await app.S3.StopAsync();
        var signer = procedure.Signers()[0];
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/signers/{signer.Str("id")}/sign-in-person", new
        {
            consent = true, confirmed_name = $"{contacts[0].Str("first_name")} {contacts[0].Str("last_name")}",
            typed_name = contacts[0].Str("last_name"),
        }), HttpStatusCode.OK);
        // The worker tries and fails: no sealed document is recorded while the store is down.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (await app.DbAsync(db => db.SealingJobs.IgnoreQueryFilters().Where(j => j.ProcedureId == id).Select(j => j.LastError).SingleAsync()) is null)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), "the sealing worker never recorded the failed attempt");
            await Task.Delay(100);
        }
        Assert.False(await app.DbAsync(db => db.SealedDocuments.IgnoreQueryFilters().AnyAsync(d => d.ProcedureId == id)));

        await app.S3.RestartAsync();
        app.Clock.Advance(TimeSpan.FromHours(1)); // past the retry's backoff (the failed attempt is over)
        await api.WaitForSealedAsync(id);
        var signed = await api.GetAsync($"/api/v1/procedures/{id}/signed-document");
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);

        await app.S3.StopAsync();
        var notary = $"etude.{Guid.NewGuid():N}"[..18] + "@notaires.fr";
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/send-to-notary", new { email = notary }), HttpStatusCode.Accepted);
        var mail = (await api.WaitForOutboxAsync(notary))[0];
        Assert.Empty(mail.Arr("attachments"));
        Assert.Contains(mail.Arr("links"), l => l.GetString()!.Contains("/telechargement/", StringComparison.Ordinal));
        await app.S3.RestartAsync();
    }

    private Task<int> CountAsync() => app.DbAsync(db => db.Documents.IgnoreQueryFilters().CountAsync());
}
