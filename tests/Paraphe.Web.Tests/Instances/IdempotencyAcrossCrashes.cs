using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Instances;

/// <summary>
/// Issue 11: an `Idempotency-Key` commits with the work it protects. A request that dies after reserving its key
/// leaves it to a retry (once its lease has run out), a request whose answer is lost after the commit is answered
/// again with what it created, and two requests with one key on two instances do the work once.
/// </summary>
public abstract class IdempotencyAcrossCrashes(ParapheApp app)
{
    /// <summary>Holds (or breaks) the save of a procedure whose title it names: a process that hangs, or dies right after its commit.</summary>
    private sealed class SaveGate : SaveChangesInterceptor
    {
        public string? HangTitle { get; set; }
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string? DieAfterCommitTitle { get; set; }

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (HangTitle is { } title && Names(eventData, title))
            {
                Reached.TrySetResult();
                await Release.Task;
            }
            return result;
        }

        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
            CancellationToken cancellationToken = default)
        {
            // After the commit, before any answer: as if the process died (or the connection broke) at that moment.
            if (DieAfterCommitTitle is { } title && eventData.Context!.ChangeTracker.Entries<Procedure>().Any(e => e.Entity.Title == title))
                throw new InvalidOperationException("The process died after the commit (simulated).");
            return ValueTask.FromResult(result);
        }

        private static bool Names(DbContextEventData data, string title) =>
            data.Context!.ChangeTracker.Entries<Procedure>().Any(e => e.State == EntityState.Added && e.Entity.Title == title);
    }

    private AnotherInstance Gated(SaveGate gate) =>
        new(app, services: s => s.AddSingleton<IInterceptor>(gate));

    private async Task<object> NewProcedureBodyAsync(string title)
    {
        var api = app.Api();
        var document = await api.UploadPdfAsync(title); // the procedure takes its document's title
        var contact = await api.CreateContactAsync();
        return new
        {
            document_id = document.Str("id"), mode = "remote",
            signers = new[] { new { contact_id = contact.Str("id"), role = "vendeur" } },
        };
    }

    private static byte[] Json(object body) => JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web);

    private static HttpRequestMessage Post(string path, object body, string key)
    {
        var content = new ByteArrayContent(Json(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    /// <summary>How the middleware fingerprints a request: method, path and body.</summary>
    private static string RequestHash(string path, object body) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        [.. System.Text.Encoding.UTF8.GetBytes($"POST {path}\n"), .. Json(body)]));

    private Task<int> ProceduresTitledAsync(string title) =>
        app.DbAsync(db => db.Procedures.IgnoreQueryFilters().CountAsync(p => p.Title == title));

    [Fact]
    public async Task AKeyWhoseRequestHungIsTakenOverByARetryAndTheWorkIsDoneOnce()
    {
        var title = "Mandat suspendu " + Guid.NewGuid().ToString("N")[..6];
        var body = await NewProcedureBodyAsync(title);
        var key = "hang-" + Guid.NewGuid();
        var gate = new SaveGate { HangTitle = title };
        await using var gated = Gated(gate);
        var first = gated.Api().SendAsync(Post("/api/v1/procedures", body, key));
        await gate.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60)); // the key is reserved, the work not committed

        // While its lease runs, a retry is told the first is still running.
        await Expect.ProblemAsync(await app.Api().Http.SendAsync(Post("/api/v1/procedures", body, key)), HttpStatusCode.Conflict, "idempotency_in_progress");

        // The first instance is gone for good (hung, killed): once the lease has run out, the retry takes the key and works.
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var retried = await Expect.JsonAsync(await app.Api().Http.SendAsync(Post("/api/v1/procedures", body, key)), HttpStatusCode.Created);
        Assert.Equal(title, retried.Str("title"));

        // The hung request wakes up: its key was taken over, so its work cannot commit.
        gate.Release.SetResult();
        var late = await first;
        Assert.False(late.IsSuccessStatusCode, $"the taken-over request must not succeed: {(int)late.StatusCode} {await late.Content.ReadAsStringAsync()}");
        Assert.Equal(1, await ProceduresTitledAsync(title));

        // And the key now answers with the retry's procedure.
        using var again = await app.Api().Http.SendAsync(Post("/api/v1/procedures", body, key));
        var replayed = await Expect.JsonAsync(again, HttpStatusCode.Created);
        Assert.Equal(retried.Str("id"), replayed.Str("id"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AKeyLeftByARequestThatDiedBeforeItsCommitIsRetriedOnceTheLeaseRanOut(bool leased)
    {
        var title = "Mandat abandonné " + Guid.NewGuid().ToString("N")[..6];
        var body = await NewProcedureBodyAsync(title);
        var key = "died-" + Guid.NewGuid();
        // What a process killed after reserving the key leaves behind: the reservation, its work never committed. Without
        // a lease: a record written by a version before leases (such a key answered 409 for ever).
        var agency = await app.DemoAgencyIdAsync();
        await app.DbAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            db.IdempotencyRecords.Add(new Paraphe.Data.Records.IdempotencyRecord
            {
                AgencyId = agency, Key = key, RequestHash = RequestHash("/api/v1/procedures", body), CreatedAt = now,
                Owner = leased ? Guid.NewGuid().ToString("N") : null, LeaseUntil = leased ? now.AddMinutes(1) : null,
            });
            await db.SaveChangesAsync();
        });

        if (leased)
        {
            await Expect.ProblemAsync(await app.Api().Http.SendAsync(Post("/api/v1/procedures", body, key)), HttpStatusCode.Conflict, "idempotency_in_progress");
            app.Clock.Advance(TimeSpan.FromMinutes(2));
        }
        var retried = await Expect.JsonAsync(await app.Api().Http.SendAsync(Post("/api/v1/procedures", body, key)), HttpStatusCode.Created);
        Assert.Equal(title, retried.Str("title"));
        var again = await Expect.JsonAsync(await app.Api().Http.SendAsync(Post("/api/v1/procedures", body, key)), HttpStatusCode.Created);
        Assert.Equal(retried.Str("id"), again.Str("id"));
        Assert.Equal(1, await ProceduresTitledAsync(title));
    }

    [Fact]
    public async Task ARetryWhoseFirstAnswerWasLostAfterTheCommitGetsTheCreatedProcedureAndNoDuplicate()
    {
        var title = "Mandat sans réponse " + Guid.NewGuid().ToString("N")[..6];
        var body = await NewProcedureBodyAsync(title);
        var key = "lost-" + Guid.NewGuid();
        var gate = new SaveGate { DieAfterCommitTitle = title };
        await using (var gated = Gated(gate))
        {
            using var lost = await gated.Api().SendAsync(Post("/api/v1/procedures", body, key));
            Assert.Equal(HttpStatusCode.InternalServerError, lost.StatusCode); // the client never learnt the procedure exists
        }
        Assert.Equal(1, await ProceduresTitledAsync(title));

        using var retry = await app.Api().Http.SendAsync(Post("/api/v1/procedures", body, key));
        var answered = await Expect.JsonAsync(retry, HttpStatusCode.Created);
        Assert.Equal(title, answered.Str("title"));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal($"/api/v1/procedures/{answered.Str("id")}", retry.Headers.Location?.ToString());
        Assert.Equal(1, await ProceduresTitledAsync(title));
    }

    [Fact]
    public async Task TwoRequestsWithOneKeyOnTwoInstancesDoTheWorkOnce()
    {
        var title = "Mandat en double " + Guid.NewGuid().ToString("N")[..6];
        var body = await NewProcedureBodyAsync(title);
        var key = "twice-" + Guid.NewGuid();
        await using var second = new AnotherInstance(app);
        var answers = await Task.WhenAll(
            app.Api().Http.SendAsync(Post("/api/v1/procedures", body, key)),
            second.Api().SendAsync(Post("/api/v1/procedures", body, key)));
        foreach (var answer in answers)
            Assert.True(answer.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict,
                $"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(1, await ProceduresTitledAsync(title));
    }

    [Fact]
    public async Task LaunchRemindRelaunchContactsAndUploadsKeepTheirIdempotency()
    {
        var api = app.Api();
        async Task<(JsonElement First, JsonElement Again)> TwiceAsync(Func<HttpRequestMessage> request, HttpStatusCode status)
        {
            using var first = await api.Http.SendAsync(request());
            var one = await Expect.JsonAsync(first, status);
            using var again = await api.Http.SendAsync(request());
            var two = await Expect.JsonAsync(again, status);
            Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
            return (one, two);
        }
        HttpRequestMessage Keyed(HttpRequestMessage r, string key) { r.Headers.Add("Idempotency-Key", key); return r; }

        var contactBody = new { first_name = "Lucie", last_name = "Garnier", email = Api.UniqueEmail("Lucie", "Garnier"), mobile = Api.UniqueMobile() };
        var contactKey = "contact-" + Guid.NewGuid();
        var (c1, c2) = await TwiceAsync(() => Post("/api/v1/contacts", contactBody, contactKey), HttpStatusCode.Created);
        Assert.Equal(c1.Str("id"), c2.Str("id"));

        var pdf = Paraphe.Testing.SamplePdfs.Valid(1, "Bail");
        var uploadKey = "upload-" + Guid.NewGuid();
        // The same bytes again, as a client retrying sends them (one multipart boundary).
        var form = await Api.PdfForm(pdf, "Bail").ReadAsByteArrayAsync();
        var boundary = System.Text.Encoding.ASCII.GetString(form).Split("\r\n")[0][2..];
        HttpRequestMessage Upload()
        {
            var content = new ByteArrayContent(form);
            content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary=\"{boundary}\"");
            return Keyed(new HttpRequestMessage(HttpMethod.Post, "/api/v1/documents") { Content = content }, uploadKey);
        }
        var (d1, d2) = await TwiceAsync(Upload, HttpStatusCode.Created);
        Assert.Equal(d1.Str("id"), d2.Str("id"));

        var (draft, _) = await api.DraftAsync("remote", 1);
        var id = draft.Str("id");
        var launchKey = "launch-" + Guid.NewGuid();
        var (l1, l2) = await TwiceAsync(() => Post($"/api/v1/procedures/{id}/launch", new { }, launchKey), HttpStatusCode.OK);
        Assert.Equal("ongoing", l2.Str("status"));
        var events = (await api.AuditAsync(id)).Arr("events").Count(e => e.Str("type") == "procedure.launched");
        Assert.Equal(1, events);

        var signerId = l1.Signers()[0].Str("id");
        var remindKey = "remind-" + Guid.NewGuid();
        await TwiceAsync(() => Post($"/api/v1/procedures/{id}/signers/{signerId}/remind", new { }, remindKey), HttpStatusCode.Accepted);
        var reminders = (await api.AuditAsync(id)).Arr("events").Count(e => e.Str("type") == "signer.reminded");
        Assert.Equal(1, reminders);

        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/cancel", new { reason = "Erreur de bien" }), HttpStatusCode.OK);
        var relaunchKey = "relaunch-" + Guid.NewGuid();
        var (r1, r2) = await TwiceAsync(() => Post($"/api/v1/procedures/{id}/relaunch", new { }, relaunchKey), HttpStatusCode.Created);
        Assert.Equal(r1.Str("id"), r2.Str("id"));
        Assert.NotEqual(id, r1.Str("id"));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class IdempotencyAcrossCrashesOnSqlite(SqliteApp app) : IdempotencyAcrossCrashes(app);

[Collection(PostgresCollection.Name)]
public sealed class IdempotencyAcrossCrashesOnPostgres(PostgresApp app) : IdempotencyAcrossCrashes(app);
