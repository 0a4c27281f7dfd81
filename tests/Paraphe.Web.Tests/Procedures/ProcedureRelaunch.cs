using System.Net;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

public abstract class ProcedureRelaunch(ParapheApp app)
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task RelaunchingACancelledProcedureCreatesADraftLinkedBothWays()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote");
        var oldId = procedure.Str("id");
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{oldId}/cancel", new { reason = "Mauvais document" }), HttpStatusCode.OK);

        var next = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{oldId}/relaunch", new { launch = false }), HttpStatusCode.Created);

        Assert.Equal("draft", next.Str("status"));
        Assert.NotEqual(oldId, next.Str("id"));
        Assert.Equal(oldId, next.Str("replaces"));
        Assert.Equal(procedure.Str("document_id"), next.Str("document_id"));
        Assert.Equal(contacts.Select(c => c.Str("id")), next.Signers().Select(s => s.Str("contact_id")));
        var old = await api.ProcedureAsync(oldId);
        Assert.Equal(next.Str("id"), old.Str("replaced_by"));
        Assert.Equal("cancelled", old.Str("status"));
        Assert.Contains("procedure.relaunched", (await api.AuditAsync(oldId)).Arr("events").Select(e => e.Str("type")));
        Assert.Contains("procedure.relaunch_of", (await api.AuditAsync(next.Str("id"))).Arr("events").Select(e => e.Str("type")));

        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{oldId}/relaunch", new { launch = false }),
            HttpStatusCode.Conflict, "invalid_transition");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RelaunchingAProcedureWithChosenPlacesKeepsEachPlace(bool launch)
    {
        // Seen: every relaunch of a procedure with a place chosen ended in a 500 (one SignatureField owned by two signers).
        var document = await api.UploadPdfAsync();
        var a = await api.CreateContactAsync("Jeanne", "Durand");
        var b = await api.CreateContactAsync("Marc", "Lefèvre");
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote",
            signers = new object[]
            {
                new { contact_id = a.Str("id"), role = "vendeur", field = new { page = 1, x = 50, y = 80, width = 180, height = 60 } },
                new { contact_id = b.Str("id"), role = "acquéreur", field = (object?)null },
            },
        }), HttpStatusCode.Created);
        var oldId = draft.Str("id");
        await api.LaunchAsync(oldId);

        var next = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{oldId}/relaunch", new { launch }), HttpStatusCode.Created);

        Assert.Equal(launch ? "ongoing" : "draft", next.Str("status"));
        var field = next.Signers()[0].GetProperty("field");
        Assert.Equal((1, 50d, 80d, 180d, 60d), (field.GetProperty("page").GetInt32(), field.GetProperty("x").GetDouble(),
            field.GetProperty("y").GetDouble(), field.GetProperty("width").GetDouble(), field.GetProperty("height").GetDouble()));
        Assert.True(next.Signers()[1].IsNull("field"));
        // The old procedure keeps its own place.
        Assert.Equal(50d, (await api.ProcedureAsync(oldId)).Signers()[0].GetProperty("field").GetProperty("x").GetDouble());
    }

    [Fact]
    public async Task CorrectAndRelaunchCancelsTheOldOneAndInvitesTheCorrectedCoordinates()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote");
        var oldId = procedure.Str("id");
        var wrong = contacts[1];
        await api.WaitForOutboxAsync(wrong.Str("email"));
        var correctedEmail = Api.UniqueEmail("marc", "lefevre");
        var correctedMobile = Api.UniqueMobile();
        var signer = procedure.Signers()[1];

        var next = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{oldId}/relaunch", new
        {
            launch = true,
            signers = new[] { new { signer_id = signer.Str("id"), email = correctedEmail, mobile = correctedMobile } },
        }), HttpStatusCode.Created);

        var old = await api.ProcedureAsync(oldId);
        Assert.Equal("cancelled", old.Str("status"));
        Assert.Equal("correction des coordonnées", old.Str("cancel_reason"));
        Assert.Equal(next.Str("id"), old.Str("replaced_by"));
        Assert.Equal(wrong.Str("email"), old.Signers()[1].Str("email")); // what was launched stays as it was

        Assert.Equal("ongoing", next.Str("status"));
        Assert.Equal(oldId, next.Str("replaces"));
        Assert.Equal(correctedEmail, next.Signers()[1].Str("email"));
        Assert.Equal(correctedMobile, next.Signers()[1].Str("mobile"));
        Assert.Equal(contacts[0].Str("email"), next.Signers()[0].Str("email"));
        Assert.Equal(new[] { correctedEmail, correctedMobile }.Order(StringComparer.Ordinal),
            next.Signers()[1].Arr("notifications").Select(n => n.Str("to")).Order(StringComparer.Ordinal));

        var contact = await Expect.JsonAsync(await api.GetAsync($"/api/v1/contacts/{wrong.Str("id")}"), HttpStatusCode.OK);
        Assert.Equal(correctedEmail, contact.Str("email"));
        Assert.Equal(correctedMobile, contact.Str("mobile"));

        var invitation = (await api.WaitForOutboxAsync(correctedEmail)).Single();
        Assert.Contains(invitation.Arr("links"), l => l.GetString()!.Contains("/sign/", StringComparison.Ordinal));
        var sms = Assert.Single(await api.WaitForOutboxAsync(correctedMobile));
        // The clients are told this request replaces the one they may have received (and signed) before…
        Assert.Contains("Cette demande remplace la précédente", invitation.Str("body"));
        Assert.Contains("Si vous aviez déjà signé, signez à nouveau", invitation.Str("body"));
        Assert.Contains("ce lien remplace le précédent", sms.Str("body"));
        var unchanged = await api.WaitForOutboxAsync(contacts[0].Str("email"), count: 2);
        Assert.Contains(unchanged, m => m.Str("body").Contains("remplace la précédente", StringComparison.Ordinal));
        // …which a first invitation never says.
        var first = (await api.WaitForOutboxAsync(wrong.Str("email"))).Single();
        Assert.DoesNotContain("remplace", first.Str("body"), StringComparison.Ordinal);
        var newToken = await api.SigningTokenAsync(correctedEmail);
        await Expect.JsonAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{newToken}"), HttpStatusCode.OK);
        var oldToken = await api.SigningTokenAsync(wrong.Str("email"));
        await Expect.ProblemAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{oldToken}"), HttpStatusCode.Gone, "link_gone");

        var oldAudit = await api.AuditAsync(oldId);
        var newAudit = await api.AuditAsync(next.Str("id"));
        Assert.True(oldAudit.GetProperty("valid").GetBoolean());
        Assert.True(newAudit.GetProperty("valid").GetBoolean());
        // The procedure's own last two events; the delivery (or not) of its messages may still be chained after them.
        Assert.Equal(["procedure.cancelled", "procedure.relaunched"], oldAudit.Arr("events").Select(e => e.Str("type"))
            .Where(t => !t.StartsWith("notification.", StringComparison.Ordinal)).TakeLast(2));
        var newTypes = newAudit.Arr("events").Select(e => e.Str("type")).ToList();
        Assert.Equal("procedure.created", newTypes[0]);
        Assert.True(newTypes.IndexOf("procedure.relaunch_of") < newTypes.IndexOf("procedure.launched"), string.Join(", ", newTypes));
    }

    [Fact]
    public async Task ACorrectionThatStillFailsTheChecksLeavesEverythingAsItWas()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var oldId = procedure.Str("id");

        var problem = await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{oldId}/relaunch", new
        {
            launch = true,
            signers = new[] { new { signer_id = procedure.Signers()[0].Str("id"), email = "jeanne@gmial.com", mobile = (string?)null } },
        }), HttpStatusCode.UnprocessableEntity, "validation_failed");

        Assert.Contains("signers[0].email", Expect.ErrorKeys(problem));
        var old = await api.ProcedureAsync(oldId);
        Assert.Equal("ongoing", old.Str("status"));
        Assert.True(old.IsNull("replaced_by"));
        var contact = await Expect.JsonAsync(await api.GetAsync($"/api/v1/contacts/{contacts[0].Str("id")}"), HttpStatusCode.OK);
        Assert.Equal(contacts[0].Str("email"), contact.Str("email"));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ProcedureRelaunchOnSqlite(SqliteApp app) : ProcedureRelaunch(app);

[Collection(PostgresCollection.Name)]
public sealed class ProcedureRelaunchOnPostgres(PostgresApp app) : ProcedureRelaunch(app);
