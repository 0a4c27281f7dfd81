using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 4: no HTTP 500 for any input. Here, the class of concurrent writers: requests racing on one procedure
/// (codes, signatures, completions, openings) answer 2xx or 4xx only, never a spurious 409 when the work does not
/// conflict, and leave the invariants whole (at most 3 codes in 15 minutes, one sealing job, a valid audit chain).
/// The provider callbacks' odd bodies are in NoServerErrors.Callbacks.cs.
/// </summary>
public abstract partial class NoServerErrors(ParapheApp app)
{
    private readonly Api api = app.Api();

    private static async Task<HttpResponseMessage[]> AllAtOnce(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () => { start.Wait(); return await send(i); })).ToArray();
        start.Set();
        return await Task.WhenAll(tasks);
    }

    /// <summary>Every answer is 2xx, or a 4xx problem+json with a stable code among <paramref name="allowed"/>.</summary>
    private static async Task AssertNoServerErrorAsync(IEnumerable<HttpResponseMessage> responses, params string[] allowed)
    {
        foreach (var response in responses)
        {
            var body = await response.Content.ReadAsStringAsync();
            var what = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} → {(int)response.StatusCode}: {body}";
            Assert.True((int)response.StatusCode < 500, what);
            if (response.IsSuccessStatusCode) continue;
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var code = JsonDocument.Parse(body).RootElement.Str("code");
            Assert.True(allowed.Contains(code), $"unexpected refusal: {what}");
        }
    }

    private async Task<(string Id, JsonElement Procedure, JsonElement[] Contacts)> DraftAsync(string mode, bool otp, int signers = 2)
    {
        var document = await api.UploadPdfAsync();
        var names = new[] { ("Jeanne", "Durand"), ("Marc", "Lefèvre"), ("Inès", "Moreau") };
        var contacts = new JsonElement[signers];
        for (var i = 0; i < signers; i++) contacts[i] = await api.CreateContactAsync(names[i].Item1, names[i].Item2);
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode, otp,
            signers = contacts.Select((c, i) => new { contact_id = c.Str("id"), role = $"signataire {i + 1}" }).ToArray(),
        }), HttpStatusCode.Created);
        return (draft.Str("id"), await api.LaunchAsync(draft.Str("id")), contacts);
    }

    private async Task AssertChainValidAsync(string id)
    {
        var audit = await api.AuditAsync(id);
        Assert.True(audit.GetProperty("valid").GetBoolean(), $"the audit chain of {id} is broken: {audit}");
    }

    private Task<int> OtpCodesAsync(string id) => app.DbAsync(db =>
        db.Notifications.IgnoreQueryFilters().CountAsync(n => n.ProcedureId == id && n.Purpose == Purpose.Otp));

    private Task<int> SealingJobsAsync(string id) => app.DbAsync(db => db.SealingJobs.CountAsync(j => j.ProcedureId == id));

    [Fact]
    public async Task TwentyCodeRequestsAtOnceByLinkSendAtMostThree()
    {
        var (id, _, contacts) = await DraftAsync("remote", otp: true);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));

        var responses = await AllAtOnce(20, _ => app.Anonymous().PostAsync($"/api/v1/signing/{token}/otp", null));

        await AssertNoServerErrorAsync(responses, "otp_send_limit", "concurrent_update");
        var sent = responses.Count(r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.InRange(sent, 1, 3);
        Assert.Equal(sent, await OtpCodesAsync(id));
        await AssertChainValidAsync(id);
    }

    [Fact]
    public async Task TwentyCodeRequestsAtOnceInPersonSendAtMostThree()
    {
        var (id, procedure, _) = await DraftAsync("in_person", otp: true);
        var signer = procedure.Signers()[0].Str("id");

        var responses = await AllAtOnce(20, _ => api.PostAsync($"/api/v1/procedures/{id}/signers/{signer}/otp"));

        await AssertNoServerErrorAsync(responses, "otp_send_limit", "concurrent_update");
        var sent = responses.Count(r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.InRange(sent, 1, 3);
        Assert.Equal(sent, await OtpCodesAsync(id));
        await AssertChainValidAsync(id);
    }

    [Fact]
    public async Task TheLastTwoInPersonSignaturesAtOnceBothCountAndCompleteOnce()
    {
        for (var round = 0; round < 3; round++)
        {
            var (id, procedure, contacts) = await DraftAsync("in_person", otp: false);
            var signers = procedure.Signers();

            var responses = await AllAtOnce(2, i => api.PostAsync($"/api/v1/procedures/{id}/signers/{signers[i].Str("id")}/sign-in-person", new
            {
                consent = true, confirmed_name = $"{contacts[i].Str("first_name")} {contacts[i].Str("last_name")}",
                typed_name = contacts[i].Str("last_name"),
            }));

            await AssertNoServerErrorAsync(responses); // not even a 409: the two signatures do not conflict
            Assert.Equal("completed", (await api.ProcedureAsync(id)).Str("status"));
            Assert.Equal(1, await SealingJobsAsync(id));
            await AssertChainValidAsync(id);
        }
    }

    [Fact]
    public async Task TwoSignersSigningByLinkAtOnceAreBothRecorded()
    {
        for (var round = 0; round < 3; round++)
        {
            var (id, _, contacts) = await DraftAsync("remote", otp: false);
            var tokens = new[] { await api.SigningTokenAsync(contacts[0].Str("email")), await api.SigningTokenAsync(contacts[1].Str("email")) };

            var responses = await AllAtOnce(2, i => app.Anonymous().PostAsync($"/api/v1/signing/{tokens[i]}/sign",
                JsonContent.Create(new { consent = true, typed_name = contacts[i].Str("last_name") })));

            await AssertNoServerErrorAsync(responses);
            var after = await api.ProcedureAsync(id);
            Assert.Equal("completed", after.Str("status"));
            Assert.All(after.Signers(), s => Assert.Equal("signed", s.Str("status")));
            Assert.Equal(1, await SealingJobsAsync(id));
            await AssertChainValidAsync(id);
        }
    }

    [Fact]
    public async Task TwoMarkSignedAtOnceCompleteOnce()
    {
        for (var round = 0; round < 3; round++)
        {
            var (id, _, _) = await DraftAsync("manual", otp: false, signers: 1);

            var responses = await AllAtOnce(2, _ => api.PostAsync($"/api/v1/procedures/{id}/mark-signed"));

            await AssertNoServerErrorAsync(responses, "invalid_transition", "procedure_locked", "concurrent_update");
            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.Equal("completed", (await api.ProcedureAsync(id)).Str("status"));
            Assert.Equal(1, await SealingJobsAsync(id));
            await AssertChainValidAsync(id);
        }
    }

    [Fact]
    public async Task ALinkOpenedTenTimesAtOnceAlwaysAnswers()
    {
        var (id, _, contacts) = await DraftAsync("remote", otp: false, signers: 1);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));

        var responses = await AllAtOnce(10, _ => app.Anonymous().GetAsync($"/api/v1/signing/{token}"));

        await AssertNoServerErrorAsync(responses);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await AssertChainValidAsync(id);
    }

    [Fact]
    public async Task SigningWhileRemindersAndCodesRaceDoesNotFail()
    {
        var (id, procedure, contacts) = await DraftAsync("remote", otp: false, signers: 2);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        var other = procedure.Signers()[1].Str("id");

        var responses = await AllAtOnce(6, i => i switch
        {
            0 => app.Anonymous().PostAsync($"/api/v1/signing/{token}/sign",
                JsonContent.Create(new { consent = true, typed_name = contacts[0].Str("last_name") })),
            1 or 2 => api.PostAsync($"/api/v1/procedures/{id}/signers/{other}/remind"),
            _ => app.Anonymous().GetAsync($"/api/v1/signing/{token}"),
        });

        await AssertNoServerErrorAsync(responses, "reminder_cooldown", "invalid_transition");
        Assert.Equal(HttpStatusCode.OK, responses[0].StatusCode);
        Assert.Equal("signed", (await api.ProcedureAsync(id)).Signers()[0].Str("status"));
        await AssertChainValidAsync(id);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class NoServerErrorsOnSqlite(SqliteApp app) : NoServerErrors(app);

[Collection(PostgresCollection.Name)]
public sealed class NoServerErrorsOnPostgres(PostgresApp app) : NoServerErrors(app);
