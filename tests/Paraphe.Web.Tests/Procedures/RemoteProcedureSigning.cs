using System.Net;
using System.Text.Json;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

public abstract class RemoteProcedureSigning(ParapheApp app)
{
    private readonly Api api = app.Api();

    private static readonly string DrawnSignature = "data:image/png;base64," + Convert.ToBase64String(SamplePdfs.NotAPdf());

    [Fact]
    public async Task LaunchQueuesAnEmailAndAnSmsPerSignerThatReachTheOutboxWithPersonalLinks()
    {
        var (draft, contacts) = await api.DraftAsync("remote");

        var launched = await api.LaunchAsync(draft.Str("id"));

        Assert.Equal("ongoing", launched.Str("status"));
        Assert.False(launched.IsNull("launched_at"));
        Assert.False(launched.IsNull("expires_at"));
        var notifications = launched.Signers().SelectMany(s => s.Arr("notifications")).ToList();
        Assert.Equal(4, notifications.Count);
        Assert.All(notifications, n => Assert.Equal("invitation", n.Str("purpose")));
        for (var i = 0; i < contacts.Length; i++)
        {
            var signer = launched.Signers()[i];
            Assert.False(signer.IsNull("invited_at"));
            Assert.Equal(["email", "sms"], signer.Arr("notifications").Select(n => n.Str("channel")).Order());
            Assert.Equal(contacts[i].Str("email"), signer.Arr("notifications").Single(n => n.Str("channel") == "email").Str("to"));
            Assert.Equal(contacts[i].Str("mobile"), signer.Arr("notifications").Single(n => n.Str("channel") == "sms").Str("to"));
        }

        var links = new List<string>();
        foreach (var contact in contacts)
        {
            var email = (await api.WaitForOutboxAsync(contact.Str("email"))).Single();
            var sms = (await api.WaitForOutboxAsync(contact.Str("mobile"))).Single();
            Assert.Equal("email", email.Str("channel"));
            Assert.Equal("sms", sms.Str("channel"));
            var emailLink = email.Arr("links").Select(l => l.GetString()!).Single(l => l.Contains("/sign/", StringComparison.Ordinal));
            var smsLink = sms.Arr("links").Select(l => l.GetString()!).Single(l => l.Contains("/sign/", StringComparison.Ordinal));
            Assert.StartsWith(ParapheApp.PublicBaseUrl + "/sign/", emailLink, StringComparison.Ordinal);
            Assert.Equal(emailLink, smsLink);
            links.Add(emailLink);
        }
        Assert.Equal(2, links.Distinct().Count());

        // The capture provider stores the message before the dispatcher records its answer: wait for the record.
        var sent = await api.ProcedureAsync(draft.Str("id"));
        for (var watch = System.Diagnostics.Stopwatch.StartNew();
             watch.Elapsed < TimeSpan.FromSeconds(30) && sent.Signers().SelectMany(s => s.Arr("notifications")).Any(n => n.Str("status") != "sent");
             sent = await api.ProcedureAsync(draft.Str("id")))
            await Task.Delay(50);
        Assert.All(sent.Signers().SelectMany(s => s.Arr("notifications")), n => Assert.Equal("sent", n.Str("status")));
    }

    [Fact]
    public async Task BothSignersSigningCompletesTheProcedureAndClosesTheLinks()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote");
        var id = procedure.Str("id");
        var first = await api.SigningTokenAsync(contacts[0].Str("email"));
        var second = await api.SigningTokenAsync(contacts[1].Str("email"));

        var view = await Expect.JsonAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{first}"), HttpStatusCode.OK);
        Assert.Equal(contacts[0].Str("last_name"), view.GetProperty("signer").Str("last_name"));
        Assert.False((await api.ProcedureAsync(id)).Signers()[0].IsNull("opened_at"));
        Assert.True((await api.ProcedureAsync(id)).Signers()[1].IsNull("opened_at"));

        var typed = await Expect.JsonAsync(await Sign(first, new { consent = true, typed_name = "Jeanne Durand" }), HttpStatusCode.OK);
        Assert.Equal("ongoing", typed.Str("procedure_status"));
        var drawn = await Expect.JsonAsync(await Sign(second, new { consent = true, signature_image = DrawnSignature }), HttpStatusCode.OK);
        Assert.Equal("completed", drawn.Str("procedure_status"));

        var completed = await api.ProcedureAsync(id);
        Assert.Equal("completed", completed.Str("status"));
        Assert.False(completed.IsNull("completed_at"));
        Assert.All(completed.Signers(), s =>
        {
            Assert.Equal("signed", s.Str("status"));
            Assert.False(s.IsNull("signed_at"));
        });
        await Expect.ProblemAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{first}"), HttpStatusCode.Gone, "link_gone");
        await Expect.ProblemAsync(await Sign(second, new { consent = true, typed_name = "Marc Lefèvre" }), HttpStatusCode.Gone, "link_gone");

        var audit = await api.AuditAsync(id);
        Assert.True(audit.GetProperty("valid").GetBoolean());
        Assert.True(audit.IsNull("broken_at"));
        // The procedure's own events, in order; the delivery of its 4 messages interleaves with them, and the seal
        // (made apart, by the sealing worker) and the agent's completion alert may already follow.
        Assert.Equal(
            ["procedure.created", "signer.added", "signer.added", "procedure.launched", "signer.link_opened", "signer.signed", "signer.signed", "procedure.completed"],
            audit.Arr("events").Select(e => e.Str("type"))
                .Where(t => !t.StartsWith("notification.", StringComparison.Ordinal) && t is not ("procedure.sealed" or "alert.raised")));
        Assert.Equal(Enumerable.Range(1, audit.Arr("events").Length), audit.Arr("events").Select(e => e.GetProperty("seq").GetInt32()));
    }

    [Fact]
    public async Task SigningWithoutConsentOrWithoutSignatureIsRefusedAndLeavesTheSignerPending()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));

        var noConsent = await Expect.ProblemAsync(await Sign(token, new { consent = false, typed_name = "Jeanne Durand" }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Contains("consent", Expect.ErrorKeys(noConsent));
        var notAPng = await Expect.ProblemAsync(await Sign(token, new { consent = true, signature_image = "data:image/png;base64,bm90IGEgcG5n" }),
            HttpStatusCode.UnprocessableEntity, "invalid_signature_image");
        Assert.Contains("signature_image", Expect.ErrorKeys(notAPng));

        Assert.Equal("pending", (await api.ProcedureAsync(procedure.Str("id"))).Signers()[0].Str("status"));
    }

    [Fact]
    public async Task AnUnknownSigningTokenAnswersNotFound()
    {
        var response = await app.Anonymous().GetAsync("/api/v1/signing/" + new string('x', 43));

        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    private Task<HttpResponseMessage> Sign(string token, object body) =>
        app.Anonymous().PostAsync($"/api/v1/signing/{token}/sign", System.Net.Http.Json.JsonContent.Create(body));
}

[Collection(SqliteCollection.Name)]
public sealed class RemoteProcedureSigningOnSqlite(SqliteApp app) : RemoteProcedureSigning(app);

[Collection(PostgresCollection.Name)]
public sealed class RemoteProcedureSigningOnPostgres(PostgresApp app) : RemoteProcedureSigning(app);
