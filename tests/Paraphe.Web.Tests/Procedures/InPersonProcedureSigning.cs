using System.Net;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

public abstract class InPersonProcedureSigning(ParapheApp app)
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task EachSignerSignsInTurnOnTheAgentsDeviceAndNothingIsSent()
    {
        var (procedure, contacts) = await api.LaunchedAsync("in_person");
        var id = procedure.Str("id");
        Assert.Equal("ongoing", procedure.Str("status"));
        Assert.All(procedure.Signers(), s => Assert.Empty(s.Arr("notifications")));

        var session = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/in-person"), HttpStatusCode.OK);
        Assert.Contains(id, session.Str("url"), StringComparison.Ordinal);

        var signers = procedure.Signers();
        var wrong = await Expect.ProblemAsync(await SignInPerson(id, signers[0].Str("id"), $"{contacts[1].Str("first_name")} {contacts[1].Str("last_name")}"),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Contains("confirmed_name", Expect.ErrorKeys(wrong));
        Assert.Equal("pending", (await api.ProcedureAsync(id)).Signers()[0].Str("status"));

        // Case and accents do not matter: a tablet keyboard makes typing "Lefèvre" awkward.
        var afterFirst = await Expect.JsonAsync(await SignInPerson(id, signers[0].Str("id"), "jeanne DURAND"), HttpStatusCode.OK);
        Assert.Equal("ongoing", afterFirst.Str("status"));
        Assert.Equal("signed", afterFirst.Signers()[0].Str("status"));
        Assert.True(afterFirst.Signers()[0].GetProperty("signed_in_person").GetBoolean());

        var completed = await Expect.JsonAsync(await SignInPerson(id, signers[1].Str("id"), "Marc Lefevre"), HttpStatusCode.OK);
        Assert.Equal("completed", completed.Str("status"));
        Assert.False(completed.IsNull("completed_at"));
        // Nothing but, once sealed, the signed document by email.
        Assert.All(completed.Signers(), s => Assert.All(s.Arr("notifications"), n => Assert.Equal("completion", n.Str("purpose"))));
        foreach (var contact in contacts)
        {
            Assert.All(await api.OutboxAsync(contact.Str("email")), m => Assert.StartsWith("Document signé", m.Str("subject"), StringComparison.Ordinal));
            Assert.Empty(await api.OutboxAsync(contact.Str("mobile")));
        }
        var audit = await api.AuditAsync(id);
        Assert.True(audit.GetProperty("valid").GetBoolean());
        var signed = audit.Arr("events").Where(e => e.Str("type") == "signer.signed").ToList();
        Assert.Equal(2, signed.Count);
        Assert.All(signed, e => Assert.Equal("in_person", e.GetProperty("data").Str("method")));
    }

    [Fact]
    public async Task TheFaceToFaceSessionIsRefusedForARemoteProcedure()
    {
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 1);

        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/in-person"),
            HttpStatusCode.Conflict, "invalid_transition");
    }

    [Fact]
    public async Task ASignerWithTheLongestNamesConfirmsThemInFull()
    {
        var (first, last) = (new string('é', 100), new string('Z', 100)); // each at its limit: 201 characters typed
        var contact = await api.CreateContactAsync(first, last);
        var document = await api.UploadPdfAsync();
        var procedure = await api.CreateProcedureAsync(document.Str("id"), "in_person", contact.Str("id"));
        var launched = await api.LaunchAsync(procedure.Str("id"));

        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/signers/{launched.Signers()[0].Str("id")}/sign-in-person",
            new { consent = true, confirmed_name = $"{first} {last}", typed_name = "Z" }), HttpStatusCode.OK);

        Assert.Equal("completed", (await api.ProcedureAsync(procedure.Str("id"))).Str("status"));
    }

    [Fact]
    public async Task TheFaceToFaceSessionIsRefusedBeforeLaunch()
    {
        var (draft, _) = await api.DraftAsync("in_person", signers: 1);

        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{draft.Str("id")}/in-person"),
            HttpStatusCode.Conflict, "invalid_transition");
    }

    private Task<HttpResponseMessage> SignInPerson(string id, string signerId, string confirmedName) =>
        api.PostAsync($"/api/v1/procedures/{id}/signers/{signerId}/sign-in-person", new
        {
            consent = true, confirmed_name = confirmedName,
            signature_image = "data:image/png;base64," + Convert.ToBase64String(SamplePdfs.NotAPdf()),
        });
}

[Collection(SqliteCollection.Name)]
public sealed class InPersonProcedureSigningOnSqlite(SqliteApp app) : InPersonProcedureSigning(app);

[Collection(PostgresCollection.Name)]
public sealed class InPersonProcedureSigningOnPostgres(PostgresApp app) : InPersonProcedureSigning(app);
