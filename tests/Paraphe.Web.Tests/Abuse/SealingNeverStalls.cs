using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Web.Features.Completion;
using Paraphe.Web.Tests.Infrastructure;
using SkiaSharp;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 1: one tenant, or one signer, can never stop the service for others. A signature image is a
/// complete PNG within limits when it is accepted, or `422 invalid_signature_image` and nothing is signed; a sealing
/// job that fails again and again ends failed (visible, retried by the agent) instead of retrying forever; a slow
/// job uses its time budget and one slot, never the others'.
/// </summary>
public abstract class SealingNeverStalls(SealingStallApp app)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly Api api = app.Api();

    private SealingWorker Worker => app.Services.GetRequiredService<SealingWorker>();

    public static TheoryData<string, string> HostileImages() => new()
    {
        { "png_signature_then_garbage", "link" }, { "png_signature_then_garbage", "in_person" },
        { "truncated", "link" }, { "truncated", "in_person" },
        { "corrupt_pixels", "link" }, { "corrupt_pixels", "in_person" },
        { "10000x10000", "link" }, { "10000x10000", "in_person" },
        { "4001x10", "link" }, { "2500x2000_over_4_megapixels", "in_person" },
        { "jpeg_data_url", "link" }, { "svg_data_url", "in_person" },
        { "not_base64", "link" }, { "over_512_kb", "in_person" }, { "over_512_kb", "link" },
    };

    private static string Hostile(string kind) => kind switch
    {
        "png_signature_then_garbage" => Pngs.DataUrl(Pngs.PngLookingGarbage()),
        "truncated" => Pngs.DataUrl(Pngs.Truncated()),
        "corrupt_pixels" => Pngs.DataUrl(Pngs.CorruptPixels()),
        "10000x10000" => Pngs.DataUrl(Pngs.Huge(10_000, 10_000)),
        "4001x10" => Pngs.DataUrl(Pngs.Huge(4001, 10)),
        "2500x2000_over_4_megapixels" => Pngs.DataUrl(Pngs.Huge(2500, 2000)),
        "jpeg_data_url" => "data:image/jpeg;base64," + Convert.ToBase64String(Pngs.Drawing()),
        "svg_data_url" => "data:image/svg+xml;base64," + Convert.ToBase64String("<svg xmlns='http://www.w3.org/2000/svg'/>"u8.ToArray()),
        "not_base64" => Pngs.Prefix + "iVBORw0KGgo***",
        "over_512_kb" => Pngs.DataUrl(Pngs.WithTextChunk(Pngs.Drawing(), 530 * 1024)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(HostileImages))]
    public async Task AnythingButACompletePngWithinLimitsIsRefusedAndNothingIsSigned(string kind, string channel)
    {
        var image = Hostile(kind);
        var (id, response) = await SignAsync(channel, image);

        var problem = await Expect.ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "invalid_signature_image");
        Assert.Equal(["signature_image"], Expect.ErrorKeys(problem));
        var procedure = await api.ProcedureAsync(id);
        Assert.Equal("ongoing", procedure.Str("status"));
        Assert.All(procedure.Signers(), s => Assert.Equal("pending", s.Str("status")));
        Assert.DoesNotContain((await api.AuditAsync(id)).Arr("events"), e => e.Str("type") == "signer.signed");
    }

    [Theory]
    [InlineData("link")]
    [InlineData("in_person")]
    public async Task AValidDrawingIsStoredReEncodedAndDownscaled(string channel)
    {
        // 2,800 × 1,400 (within limits) with a text chunk: stored as a fresh PNG, at most 1,600 pixels wide, without it.
        var drawn = Pngs.WithTextChunk(Pngs.Drawing(2800, 1400), 1000, keyword: "Hidden");
        var (id, response) = await SignAsync(channel, Pngs.DataUrl(drawn));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        var stored = await app.DbAsync(db => db.Procedures.IgnoreQueryFilters().Where(p => p.Id == id)
            .SelectMany(p => p.Signers).Where(s => s.SignatureImage != null).Select(s => s.SignatureImage!).SingleAsync());
        Assert.StartsWith(Pngs.Prefix, stored, StringComparison.Ordinal);
        var bytes = Convert.FromBase64String(stored[Pngs.Prefix.Length..]);
        Assert.NotEqual(drawn, bytes);
        Assert.DoesNotContain(Pngs.Chunks(bytes), c => c.Type == "tEXt");
        using var codec = SKCodec.Create(SKData.CreateCopy(bytes));
        Assert.NotNull(codec);
        Assert.Equal((1600, 800), (codec.Info.Width, codec.Info.Height));
    }

    [Fact]
    public async Task AJobThatAlwaysFailsEndsFailedAfterMaxAttemptsWhileAnotherAgencysIsSealed()
    {
        using var metrics = new FailedJobsListener();
        // Stored before the checks existed: the 10,000 × 10,000 PNG that took 1.6 GB to seal.
        var (poisoned, _) = await api.CompletedInPersonAsync(Pngs.DataUrl(Pngs.Drawing()));
        await app.DbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE signers SET \"SignatureImage\" = {Pngs.DataUrl(Pngs.Huge(10_000, 10_000))} WHERE \"ProcedureId\" = {poisoned}"));
        // …and so without the form prepared at signing (issue 12): the sealer must decode that PNG.
        await app.DbAsync(db => db.SignatureForms.IgnoreQueryFilters().Where(f => f.ProcedureId == poisoned).ExecuteDeleteAsync());
        var (_, other) = await app.CreateAgencyAsync("Agence du Port");
        var (healthy, _) = await other.CompletedInPersonAsync();

        for (var pass = 0; pass < SealingStallApp.MaxAttempts + 3; pass++)
        {
            await Worker.SealDueAsync(CancellationToken.None);
            if (pass == 0) Assert.False((await other.ProcedureAsync(healthy)).IsNull("sealed_at"));
            app.Clock.Advance(TimeSpan.FromHours(2)); // past any backoff
        }

        var job = await app.DbAsync(db => db.SealingJobs.SingleAsync(j => j.ProcedureId == poisoned));
        Assert.Equal(SealingStallApp.MaxAttempts, job.Attempts); // no attempt after the last one
        Assert.NotNull(job.FailedAt);
        var procedure = await api.ProcedureAsync(poisoned);
        Assert.True(procedure.IsNull("sealed_at"));
        var sealing = procedure.GetProperty("sealing");
        Assert.Equal("failed", sealing.Str("status"));
        Assert.Equal(SealingStallApp.MaxAttempts, sealing.GetProperty("attempts").GetInt32());
        Assert.False(sealing.IsNull("failed_at"));
        Assert.Contains("trop grande", sealing.Str("last_error"), StringComparison.Ordinal);
        var failed = Assert.Single((await api.AuditAsync(poisoned)).Arr("events"), e => e.Str("type") == "procedure.sealing_failed");
        Assert.Equal(sealing.Str("last_error"), failed.GetProperty("data").Str("reason"));
        Assert.True(metrics.Count >= 1, "paraphe.sealing.failed_jobs was not counted");
        Assert.Equal("sealed", (await other.ProcedureAsync(healthy)).GetProperty("sealing").Str("status"));
    }

    [Fact]
    public async Task ASlowJobHoldsOneSlotWhileAnotherAgencysIsSealed()
    {
        var (slow, _) = await api.CompletedInPersonAsync();
        var held = app.Gate.Hold(slow);
        var (_, other) = await app.CreateAgencyAsync("Agence des Halles");
        try
        {
            var pass = Worker.SealDueAsync(CancellationToken.None);
            await held.Entered.WaitAsync(Bound);
            // Completed while the slow job runs: the pass takes it into the free slot at once.
            var (healthy, _) = await other.CompletedInPersonAsync();
            await WaitUntilAsync(async () => !(await other.ProcedureAsync(healthy)).IsNull("sealed_at"),
                "the other agency's procedure was not sealed while a slow job ran");
            Assert.False(pass.IsCompleted);

            app.Clock.Advance(SealingStallApp.JobTimeout + TimeSpan.FromSeconds(1));
            await pass.WaitAsync(Bound);
            var sealing = (await api.ProcedureAsync(slow)).GetProperty("sealing");
            Assert.Equal("pending", sealing.Str("status")); // one failed attempt, retried later
            Assert.Contains("temps accordé", sealing.Str("last_error"), StringComparison.Ordinal);
        }
        finally
        {
            held.Release();
        }
    }

    /// <summary>
    /// A runaway attempt cannot be interrupted: its job is never started again beside it (each retry would take one more
    /// core); those attempts fail at once, and the job still ends failed after MaxAttempts.
    /// </summary>
    [Fact]
    public async Task ARunawayJobIsNeverStartedAgainWhileItsLastAttemptStillRuns()
    {
        var (slow, _) = await api.CompletedInPersonAsync();
        var held = app.Gate.Hold(slow);
        try
        {
            var first = Worker.SealDueAsync(CancellationToken.None);
            await held.Entered.WaitAsync(Bound);
            app.Clock.Advance(SealingStallApp.JobTimeout + TimeSpan.FromSeconds(1));
            await first.WaitAsync(Bound);

            for (var pass = 1; pass < SealingStallApp.MaxAttempts; pass++)
            {
                app.Clock.Advance(TimeSpan.FromHours(2)); // past any backoff; the first attempt still runs
                await Worker.SealDueAsync(CancellationToken.None).WaitAsync(Bound);
            }

            Assert.Equal(1, held.Entries);
            var job = await app.DbAsync(db => db.SealingJobs.SingleAsync(j => j.ProcedureId == slow));
            Assert.Equal(SealingStallApp.MaxAttempts, job.Attempts);
            Assert.NotNull(job.FailedAt);
            Assert.Equal("failed", (await api.ProcedureAsync(slow)).GetProperty("sealing").Str("status"));
        }
        finally
        {
            held.Release();
        }
    }

    [Fact]
    public async Task JobsOverTheirBudgetFreeTheirSlotsForTheNextOne()
    {
        // Every slot is held by a job that never ends by itself: only the budget lets the next job through.
        var slow = new List<(string Id, SealingGate.Held Held)>();
        for (var i = 0; i < SealingStallApp.Concurrency; i++)
        {
            var (id, _) = await api.CompletedInPersonAsync();
            slow.Add((id, app.Gate.Hold(id)));
        }
        var (_, other) = await app.CreateAgencyAsync("Agence de la Gare");
        var (healthy, _) = await other.CompletedInPersonAsync();
        try
        {
            var pass = Worker.SealDueAsync(CancellationToken.None);
            await Task.WhenAll(slow.Select(s => s.Held.Entered)).WaitAsync(Bound);
            Assert.True((await other.ProcedureAsync(healthy)).IsNull("sealed_at"));

            app.Clock.Advance(SealingStallApp.JobTimeout + TimeSpan.FromSeconds(1));
            await pass.WaitAsync(Bound);
            Assert.False((await other.ProcedureAsync(healthy)).IsNull("sealed_at"));
            foreach (var (id, _) in slow)
            {
                var job = await app.DbAsync(db => db.SealingJobs.SingleAsync(j => j.ProcedureId == id));
                Assert.Null(job.DoneAt);
                Assert.Contains("temps accordé", job.LastError, StringComparison.Ordinal);
            }
        }
        finally
        {
            slow.ForEach(s => s.Held.Release());
        }
    }

    [Fact]
    public async Task TheAgentRetriesAFailedSealAndItIsSealed()
    {
        var (id, _) = await api.CompletedInPersonAsync();
        app.Gate.FailAlways(id);
        // Not failed yet: nothing to retry.
        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{id}/sealing/retry"), HttpStatusCode.Conflict, "invalid_transition");
        for (var pass = 0; pass < SealingStallApp.MaxAttempts; pass++)
        {
            await Worker.SealDueAsync(CancellationToken.None);
            app.Clock.Advance(TimeSpan.FromHours(2));
        }
        Assert.Equal("failed", (await api.ProcedureAsync(id)).GetProperty("sealing").Str("status"));
        var (_, stranger) = await app.CreateAgencyAsync("Agence Voisine");
        await Expect.ProblemAsync(await stranger.PostAsync($"/api/v1/procedures/{id}/sealing/retry"), HttpStatusCode.NotFound, "not_found");

        app.Gate.Heal(id);
        var retried = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/sealing/retry"), HttpStatusCode.Accepted);
        Assert.Equal("pending", retried.GetProperty("sealing").Str("status"));
        Assert.Equal(0, retried.GetProperty("sealing").GetProperty("attempts").GetInt32());
        Assert.Contains((await api.AuditAsync(id)).Arr("events"), e => e.Str("type") == "procedure.sealing_retried");
        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{id}/sealing/retry"), HttpStatusCode.Conflict, "invalid_transition");

        await Worker.SealDueAsync(CancellationToken.None);
        var procedure = await api.ProcedureAsync(id);
        Assert.False(procedure.IsNull("sealed_at"));
        Assert.Equal("sealed", procedure.GetProperty("sealing").Str("status"));
        var audit = await api.AuditAsync(id);
        Assert.True(audit.GetProperty("valid").GetBoolean());
        Assert.Single(audit.Arr("events"), e => e.Str("type") == "procedure.sealed");
        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{id}/sealing/retry"), HttpStatusCode.Conflict, "invalid_transition");
    }

    /// <summary>Signs as the first signer, by link or face to face, with <paramref name="image"/> as the drawing.</summary>
    private async Task<(string Id, HttpResponseMessage Response)> SignAsync(string channel, string image)
    {
        var (procedure, contacts) = await api.LaunchedAsync(channel == "link" ? "remote" : "in_person");
        var id = procedure.Str("id");
        if (channel == "link")
        {
            var token = await api.SigningTokenAsync(contacts[0].Str("email"));
            return (id, await app.Anonymous().PostAsJsonAsync($"/api/v1/signing/{token}/sign",
                new { consent = true, signature_image = image }));
        }
        var signer = procedure.Signers()[0];
        return (id, await api.PostAsync($"/api/v1/procedures/{id}/signers/{signer.Str("id")}/sign-in-person", new
        {
            consent = true, confirmed_name = $"{contacts[0].Str("first_name")} {contacts[0].Str("last_name")}", signature_image = image,
        }));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> done, string missing)
    {
        var watch = Stopwatch.StartNew();
        while (!await done())
        {
            if (watch.Elapsed > Bound) throw new Xunit.Sdk.XunitException($"After {Bound.TotalSeconds} s: {missing}.");
            await Task.Delay(50);
        }
    }

    /// <summary>Listens to `paraphe.sealing.failed_jobs` (Meter `Paraphe`) and keeps the procedures it was told of.</summary>
    private sealed class FailedJobsListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _count;

        public FailedJobsListener()
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == Paraphe.Web.Platform.Observability.ParapheMetrics.MeterName && instrument.Name == "paraphe.sealing.failed_jobs")
                    l.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, (int)value));
            _listener.Start();
        }

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}

public sealed class SealingNeverStallsOnSqlite(SealingStallSqliteApp app) : SealingNeverStalls(app), IClassFixture<SealingStallSqliteApp>;

public sealed class SealingNeverStallsOnPostgres(SealingStallPostgresApp app) : SealingNeverStalls(app), IClassFixture<SealingStallPostgresApp>;
