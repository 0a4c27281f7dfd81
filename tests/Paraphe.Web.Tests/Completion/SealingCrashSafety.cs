using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Web.Features.Completion;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Completion;

/// <summary>The app with its sealing worker stopped: the test runs the worker's passes itself, as after a crash.</summary>
public sealed class NoSealingWorkerApp : ParapheApp
{
    public override string DatabaseName => "sqlite";
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Paraphe:Sealing:Worker:Enabled", "false");
        builder.UseSetting("Paraphe:Outbox:AttachSignedDocumentUpToKilobytes", "1"); // every signed document is « large » here
        builder.UseSetting("Paraphe:Verify:PerMinute", "2");
    }
}

/// <summary>A completion commits its sealing job; whatever happens to the worker after that, the document is sealed once.</summary>
public sealed class SealingCrashSafety(NoSealingWorkerApp app) : IClassFixture<NoSealingWorkerApp>
{
    private readonly Api api = app.Api();

    private SealingWorker Worker => app.Services.GetRequiredService<SealingWorker>();

    [Fact]
    public async Task ASealInterruptedMidWayIsMadeByALaterPassOnceItsLeaseEndsAndOnlyOnce()
    {
        var id = await CompletedInPersonAsync();
        // A worker took the job and died while sealing: the job is leased, nothing else was written.
        await app.DbAsync(async db =>
        {
            var job = await db.SealingJobs.SingleAsync(j => j.ProcedureId == id);
            Assert.Null(job.DoneAt);
            job.Attempts = 1;
            job.NextAttemptAt = app.Clock.GetUtcNow().UtcDateTime.AddMinutes(5);
            job.Version++;
            await db.SaveChangesAsync();
        });
        await DrainAsync(); // other tests' jobs, not this one (leased)
        Assert.True((await api.ProcedureAsync(id)).IsNull("sealed_at"));
        await Expect.ProblemAsync(await api.GetAsync($"/api/v1/procedures/{id}/signed-document"), HttpStatusCode.Conflict, "not_sealed");

        app.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.True(await DrainAsync() >= 1);
        Assert.Equal(0, await Worker.SealDueAsync(CancellationToken.None)); // nothing left: sealed once

        var procedure = await api.ProcedureAsync(id);
        Assert.False(procedure.IsNull("sealed_at"));
        var audit = await api.AuditAsync(id);
        Assert.True(audit.GetProperty("valid").GetBoolean());
        Assert.Single(audit.Arr("events"), e => e.Str("type") == "procedure.sealed");
        var completionMails = procedure.Signers().SelectMany(s => s.Arr("notifications"))
            .Concat(procedure.Arr("notifications")).Count(n => n.Str("purpose") == "completion");
        Assert.Equal(3, completionMails); // two signers and the agent, once each
        var mail = (await api.WaitForOutboxAsync(procedure.Signers()[0].Str("email")))[0];
        Assert.Empty(mail.Arr("attachments")); // above the limit: the link only
        Assert.Contains(mail.Arr("links"), l => l.GetString()!.Contains("/telechargement/", StringComparison.Ordinal));
        var job = await app.DbAsync(db => db.SealingJobs.SingleAsync(j => j.ProcedureId == id));
        Assert.NotNull(job.DoneAt);
        Assert.Equal(2, job.Attempts);
    }

    [Fact]
    public async Task TwoWorkersRacingForTheSameJobSealItOnce()
    {
        var id = await CompletedInPersonAsync();

        var passes = await Task.WhenAll(Worker.SealDueAsync(CancellationToken.None), Worker.SealDueAsync(CancellationToken.None));
        await DrainAsync();

        Assert.True(passes.Sum() >= 1);
        var audit = await api.AuditAsync(id);
        Assert.Single(audit.Arr("events"), e => e.Str("type") == "procedure.sealed");
        Assert.Equal(1, await app.DbAsync(db => db.SealedDocuments.IgnoreQueryFilters().CountAsync(d => d.ProcedureId == id)));
    }

    [Fact]
    public async Task AJobWhoseProcedureIsAlreadySealedIsClosedWithoutASecondSeal()
    {
        var id = await CompletedInPersonAsync();
        await DrainAsync();
        // As if the job had been reopened by hand or restored from an older backup.
        await app.DbAsync(async db =>
        {
            var job = await db.SealingJobs.SingleAsync(j => j.ProcedureId == id);
            job.DoneAt = null;
            job.NextAttemptAt = app.Clock.GetUtcNow().UtcDateTime;
            job.Version++;
            await db.SaveChangesAsync();
        });

        Assert.Equal(0, await Worker.SealDueAsync(CancellationToken.None));
        Assert.Single((await api.AuditAsync(id)).Arr("events"), e => e.Str("type") == "procedure.sealed");
        Assert.NotNull((await app.DbAsync(db => db.SealingJobs.SingleAsync(j => j.ProcedureId == id))).DoneAt);
    }

    private async Task<int> DrainAsync()
    {
        var total = 0;
        for (int sealedNow; (sealedNow = await Worker.SealDueAsync(CancellationToken.None)) > 0;) total += sealedNow;
        return total;
    }

    private async Task<string> CompletedInPersonAsync()
    {
        var (id, _) = await api.CompletedInPersonAsync();
        Assert.Equal("completed", (await api.ProcedureAsync(id)).Str("status"));
        return id;
    }
}
