using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// « Dans l'ordre de signature » (`signing_order: sequential`): signer n + 1 is invited only once signer n has signed,
/// driven end to end through the signing links of the dev outbox.
/// </summary>
public abstract class SequentialSigning(ParapheApp app)
{
    private readonly Api api = app.Api();

    private async Task<(string Id, JsonElement[] Contacts)> LaunchedAsync(string mode = "remote", bool otp = false)
    {
        var document = await api.UploadPdfAsync();
        var contacts = new[]
        {
            await api.CreateContactAsync("Jeanne", "Durand"), await api.CreateContactAsync("Marc", "Lefèvre"),
            await api.CreateContactAsync("Inès", "Moreau"),
        };
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode, otp, signing_order = "sequential",
            signers = contacts.Select(c => new { contact_id = c.Str("id") }).ToArray(),
        }), HttpStatusCode.Created);
        Assert.Equal("sequential", draft.Str("signing_order"));
        var launched = await api.LaunchAsync(draft.Str("id"));
        return (launched.Str("id"), contacts);
    }

    private async Task<JsonElement> SignerAsync(string id, int i) => (await api.ProcedureAsync(id)).Signers()[i];

    private async Task SignByLinkAsync(JsonElement contact)
    {
        var token = await api.SigningTokenAsync(contact.Str("email"));
        await Expect.JsonAsync(await app.Anonymous().PostAsync($"/api/v1/signing/{token}/sign",
            JsonContent.Create(new { consent = true, typed_name = contact.Str("last_name") })), HttpStatusCode.OK);
    }

    [Fact]
    public async Task ParallelIsTheDefault()
    {
        var (procedure, _) = await api.DraftAsync("remote", signers: 2);
        Assert.Equal("parallel", procedure.Str("signing_order"));
        var launched = await api.LaunchAsync(procedure.Str("id"));
        Assert.All(launched.Signers(), s => Assert.False(s.IsNull("invited_at")));
    }

    [Fact]
    public async Task ThreeSignersAreInvitedOneAfterTheOtherUntilTheProcedureCompletes()
    {
        var (id, contacts) = await LaunchedAsync();
        var procedure = await api.ProcedureAsync(id);
        Assert.False(procedure.Signers()[0].IsNull("invited_at"));
        for (var i = 1; i < 3; i++)
        {
            var waiting = procedure.Signers()[i];
            Assert.True(waiting.IsNull("invited_at"));
            Assert.Empty(waiting.Arr("notifications"));
            Assert.True(waiting.GetProperty("awaiting_turn").GetBoolean());
            Assert.Equal(["awaiting_previous_signers"], waiting.Arr("diagnosis").Select(d => d.Str("code")));
        }

        await SignByLinkAsync(contacts[0]);
        var second = await SignerAsync(id, 1);
        Assert.False(second.IsNull("invited_at"));
        Assert.False(second.GetProperty("awaiting_turn").GetBoolean());
        Assert.True((await SignerAsync(id, 2)).IsNull("invited_at"));
        Assert.Contains("signer.invited", (await api.AuditAsync(id)).Arr("events").Select(e => e.Str("type")));

        await SignByLinkAsync(contacts[1]);
        Assert.False((await SignerAsync(id, 2)).IsNull("invited_at"));
        await SignByLinkAsync(contacts[2]);

        var done = await api.ProcedureAsync(id);
        Assert.Equal("completed", done.Str("status"));
        Assert.True((await api.AuditAsync(id)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ASignerIsNotRemindedBeforeTheirTurn()
    {
        var (id, _) = await LaunchedAsync();
        var third = await SignerAsync(id, 2);

        var problem = await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{id}/signers/{third.Str("id")}/remind"),
            HttpStatusCode.Conflict, "not_signer_turn");

        Assert.Contains("dans l'ordre", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(0, (await SignerAsync(id, 2)).GetProperty("reminders_sent").GetInt32());
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/signers/{(await SignerAsync(id, 0)).Str("id")}/remind"),
            HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task ADeclineEndsTheProcedureAndNobodyElseIsInvited()
    {
        var (id, contacts) = await LaunchedAsync();
        await SignByLinkAsync(contacts[0]);
        var token = await api.SigningTokenAsync(contacts[1].Str("email"));

        await Expect.JsonAsync(await app.Anonymous().PostAsync($"/api/v1/signing/{token}/decline",
            JsonContent.Create(new { reason = "Le prix a changé" })), HttpStatusCode.OK);

        var procedure = await api.ProcedureAsync(id);
        Assert.Equal("declined", procedure.Str("status"));
        Assert.True(procedure.Signers()[2].IsNull("invited_at"));
        Assert.Empty(procedure.Signers()[2].Arr("notifications"));
        Assert.Empty(await api.OutboxAsync(contacts[2].Str("email")));
    }

    [Fact]
    public async Task FaceToFaceFollowsTheOrderOnTheDevice()
    {
        var (id, contacts) = await LaunchedAsync("in_person");
        var signers = (await api.ProcedureAsync(id)).Signers();
        object Body(JsonElement c) => new
        {
            consent = true, confirmed_name = $"{c.Str("first_name")} {c.Str("last_name")}", typed_name = c.Str("last_name"),
        };

        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{id}/signers/{signers[1].Str("id")}/sign-in-person",
            Body(contacts[1])), HttpStatusCode.Conflict, "not_signer_turn");
        for (var i = 0; i < 3; i++)
            await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/signers/{signers[i].Str("id")}/sign-in-person",
                Body(contacts[i])), HttpStatusCode.OK);

        Assert.Equal("completed", (await api.ProcedureAsync(id)).Str("status"));
    }

    [Fact]
    public async Task TheOrderCanBeChangedOnADraftAndAnUnknownOrderIsRefused()
    {
        var (draft, _) = await api.DraftAsync("remote", signers: 2);
        var id = draft.Str("id");

        var patched = await Expect.JsonAsync(await api.PatchAsync($"/api/v1/procedures/{id}", new { signing_order = "sequential" }), HttpStatusCode.OK);
        Assert.Equal("sequential", patched.Str("signing_order"));

        var problem = await Expect.ProblemAsync(await api.PatchAsync($"/api/v1/procedures/{id}", new { signing_order = "random" }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Contains("signing_order", Expect.ErrorKeys(problem));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class SequentialSigningOnSqlite(SqliteApp app) : SequentialSigning(app);

[Collection(PostgresCollection.Name)]
public sealed class SequentialSigningOnPostgres(PostgresApp app) : SequentialSigning(app);
