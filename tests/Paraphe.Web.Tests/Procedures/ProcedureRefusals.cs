using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Domain.Agencies;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>Every refusal answers problem+json with its stable code, and changes nothing.</summary>
public abstract class ProcedureRefusals(ParapheApp app)
{
    private readonly Api api = app.Api();

    [Theory]
    [InlineData("by_post", "mode")]
    [InlineData(null, "mode")]
    public async Task CreationWithAnUnknownModeIsRefused(string? mode, string key)
    {
        var document = await api.UploadPdfAsync();

        var problem = await Expect.ProblemAsync(await api.CreateProcedureRawAsync(new { document_id = document.Str("id"), mode }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");

        Assert.Contains(key, Expect.ErrorKeys(problem));
    }

    [Fact]
    public async Task CreationWithoutADocumentIsRefused()
    {
        var problem = await Expect.ProblemAsync(await api.CreateProcedureRawAsync(new { mode = "remote" }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");

        Assert.Contains("document_id", Expect.ErrorKeys(problem));
    }

    [Fact]
    public async Task ASignaturePlaceOnAPageTheDocumentDoesNotHaveIsRefused()
    {
        var document = await api.UploadPdfAsync();
        var contact = await api.CreateContactAsync();
        var pages = document.GetProperty("pages").GetInt32();

        var problem = await Expect.ProblemAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote",
            signers = new[] { new { contact_id = contact.Str("id"), role = "acquéreur", field = new { page = pages + 1, x = 50, y = 80, width = 180, height = 60 } } },
        }), HttpStatusCode.UnprocessableEntity, "validation_failed");

        Assert.Contains("signers[0].field.page", Expect.ErrorKeys(problem));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(366)]
    [InlineData(400)]
    public async Task AnExpiryOutsideOneTo365DaysIsRefused(int days)
    {
        var document = await api.UploadPdfAsync();

        var problem = await Expect.ProblemAsync(
            await api.CreateProcedureRawAsync(new { document_id = document.Str("id"), mode = "remote", expires_in_days = days }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");

        Assert.Contains("expires_in_days", Expect.ErrorKeys(problem));
    }

    [Fact]
    public async Task RemoteLaunchIsRefusedPerSignerForATypoEmailAndALandlineAndNothingIsWritten()
    {
        var document = await api.UploadPdfAsync();
        var good = await api.CreateContactAsync("Jeanne", "Durand");
        var typo = await api.CreateContactAsync("Marc", "Lefèvre", email: $"marc.{Guid.NewGuid():N}@gmial.com", mobile: "01 42 68 53 00");
        Assert.False(typo.GetProperty("checks").GetProperty("email").GetProperty("ok").GetBoolean());
        Assert.Equal("fixed_line", typo.GetProperty("checks").GetProperty("mobile").Str("type"));
        var draft = await api.CreateProcedureAsync(document.Str("id"), "remote", good.Str("id"), typo.Str("id"));

        var problem = await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{draft.Str("id")}/launch"),
            HttpStatusCode.UnprocessableEntity, "validation_failed");

        Assert.Equal(["signers[1].email", "signers[1].mobile"], Expect.ErrorKeys(problem));
        var after = await api.ProcedureAsync(draft.Str("id"));
        Assert.Equal("draft", after.Str("status"));
        Assert.True(after.IsNull("launched_at"));
        Assert.All(after.Signers(), s => Assert.Empty(s.Arr("notifications")));
        Assert.DoesNotContain("procedure.launched", (await api.AuditAsync(draft.Str("id"))).Arr("events").Select(e => e.Str("type")));
        Assert.Empty(await api.OutboxAsync(good.Str("email")));
    }

    [Fact]
    public async Task TheFirstSignersBadCoordinatesAreReportedUnderSigners0()
    {
        var document = await api.UploadPdfAsync();
        var typo = await api.CreateContactAsync("Marc", "Lefèvre", email: $"marc.{Guid.NewGuid():N}@gmail.con");
        var landline = await api.CreateContactAsync("Inès", "Moreau", mobile: "02 40 12 34 56");
        var first = await api.CreateProcedureAsync(document.Str("id"), "remote", typo.Str("id"));
        var second = await api.CreateProcedureAsync(document.Str("id"), "remote", landline.Str("id"));

        var email = await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{first.Str("id")}/launch"),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        var mobile = await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{second.Str("id")}/launch"),
            HttpStatusCode.UnprocessableEntity, "validation_failed");

        Assert.Equal(["signers[0].email"], Expect.ErrorKeys(email));
        Assert.Equal(["signers[0].mobile"], Expect.ErrorKeys(mobile));
    }

    [Fact]
    public async Task AfterLaunchEditsAreLockedWithAMessageThatSaysToCancelCorrectAndRelaunch()
    {
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 1);
        var id = procedure.Str("id");
        var other = await api.CreateContactAsync("Inès", "Moreau");

        var responses = new[]
        {
            await api.PatchAsync($"/api/v1/procedures/{id}", new { otp = true }),
            await api.PostAsync($"/api/v1/procedures/{id}/signers", new { contact_id = other.Str("id"), role = "acquéreur" }),
            await api.DeleteAsync($"/api/v1/procedures/{id}/signers/{procedure.Signers()[0].Str("id")}"),
        };

        foreach (var response in responses)
        {
            var problem = await Expect.ProblemAsync(response, HttpStatusCode.Conflict, "procedure_locked");
            var detail = problem.Str("detail");
            Assert.Contains("annulez", detail, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("corrigez", detail, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("relancez", detail, StringComparison.OrdinalIgnoreCase);
        }
        var after = await api.ProcedureAsync(id);
        Assert.Single(after.Signers());
        Assert.False(after.GetProperty("otp").GetBoolean());
    }

    [Fact]
    public async Task ADraftCanStillBeEdited()
    {
        var (draft, _) = await api.DraftAsync("remote", signers: 2);
        var id = draft.Str("id");
        var other = await api.CreateContactAsync("Inès", "Moreau");

        await Expect.JsonAsync(await api.PatchAsync($"/api/v1/procedures/{id}", new { mode = "in_person", expires_in_days = 10 }), HttpStatusCode.OK);
        await Expect.JsonAsync(await api.DeleteAsync($"/api/v1/procedures/{id}/signers/{draft.Signers()[0].Str("id")}"), HttpStatusCode.OK);
        var added = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/signers", new { contact_id = other.Str("id") }), HttpStatusCode.Created);

        Assert.Equal("in_person", added.Str("mode"));
        Assert.Equal(10, added.GetProperty("expires_in_days").GetInt32());
        Assert.Equal(2, added.Signers().Length);
        Assert.Equal(2, added.Signers().Select(s => s.GetProperty("order").GetInt32()).Distinct().Count());
    }

    [Fact]
    public async Task CancellingACompletedProcedureIsAnInvalidTransition()
    {
        var (procedure, _) = await api.LaunchedAsync("manual", signers: 1);
        var id = procedure.Str("id");
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/mark-signed"), HttpStatusCode.OK);

        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{id}/cancel", new { reason = "erreur" }),
            HttpStatusCode.Conflict, "invalid_transition");

        Assert.Equal("completed", (await api.ProcedureAsync(id)).Str("status"));
    }

    [Fact]
    public async Task MarkingARemoteProcedureSignedIsAnInvalidTransition()
    {
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 1);

        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/mark-signed"),
            HttpStatusCode.Conflict, "invalid_transition");

        Assert.Equal("ongoing", (await api.ProcedureAsync(procedure.Str("id"))).Str("status"));
    }

    [Fact]
    public async Task RelaunchingADraftIsAnInvalidTransition()
    {
        var (draft, _) = await api.DraftAsync("remote", signers: 1);

        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{draft.Str("id")}/relaunch", new { launch = false }),
            HttpStatusCode.Conflict, "invalid_transition");

        Assert.True((await api.ProcedureAsync(draft.Str("id"))).IsNull("replaced_by"));
    }

    [Fact]
    public async Task UnknownIdsAnswerNotFound()
    {
        var (draft, _) = await api.DraftAsync("remote", signers: 1);
        var document = await api.UploadPdfAsync();

        var responses = new[]
        {
            await api.GetAsync("/api/v1/contacts/ctc_unknown"),
            await api.GetAsync("/api/v1/documents/doc_unknown"),
            await api.GetAsync("/api/v1/documents/doc_unknown/file"),
            await api.GetAsync("/api/v1/procedures/prc_unknown"),
            await api.PostAsync("/api/v1/procedures/prc_unknown/launch"),
            await api.GetAsync("/api/v1/procedures/prc_unknown/audit"),
            await api.DeleteAsync($"/api/v1/procedures/{draft.Str("id")}/signers/sgn_unknown"),
            await api.PostAsync($"/api/v1/procedures/{draft.Str("id")}/signers", new { contact_id = "ctc_unknown" }),
            await api.CreateProcedureRawAsync(new { document_id = "doc_unknown", mode = "remote" }),
            await api.CreateProcedureRawAsync(new { document_id = document.Str("id"), mode = "remote", signers = new[] { new { contact_id = "ctc_unknown" } } }),
            await api.GetAsync("/api/v1/no-such-thing"),
        };

        foreach (var response in responses) await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task CancellingWithoutAReasonIsRefused()
    {
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 1);

        var problem = await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/cancel", new { reason = " " }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");

        Assert.Contains("reason", Expect.ErrorKeys(problem));
        Assert.Equal("ongoing", (await api.ProcedureAsync(procedure.Str("id"))).Str("status"));
    }

    [Fact]
    public async Task ACancelledProceduresLinkIsGone()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));

        var cancelled = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/cancel",
            new { reason = "Le vendeur se rétracte" }), HttpStatusCode.OK);

        Assert.Equal("cancelled", cancelled.Str("status"));
        Assert.Equal("Le vendeur se rétracte", cancelled.Str("cancel_reason"));
        var gone = await Expect.ProblemAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.Gone, "link_gone");
        Assert.Contains("annulée", gone.Str("detail"), StringComparison.Ordinal);
        await Expect.ProblemAsync(await app.Anonymous().PostAsync($"/api/v1/signing/{token}/sign",
            System.Net.Http.Json.JsonContent.Create(new { consent = true, typed_name = "Jeanne Durand" })), HttpStatusCode.Gone, "link_gone");
        await Expect.ProblemAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{token}/document"), HttpStatusCode.Gone, "link_gone");
    }

    [Fact]
    public async Task AnExpiredProceduresLinkIsGoneAndTheSweepMarksItExpired()
    {
        var document = await api.UploadPdfAsync();
        var contact = await api.CreateContactAsync();
        var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", expires_in_days = 1, signers = new[] { new { contact_id = contact.Str("id") } },
        }), HttpStatusCode.Created);
        var launched = await api.LaunchAsync(draft.Str("id"));
        var token = await api.SigningTokenAsync(contact.Str("email"));
        await Expect.JsonAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.OK);

        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        await Expect.ProblemAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.Gone, "link_gone");
        await app.Services.GetRequiredService<ExpirySweep>().SweepAsync(CancellationToken.None);
        var expired = await api.ProcedureAsync(launched.Str("id"));
        Assert.Equal("expired", expired.Str("status"));
        Assert.Contains("procedure.expired", (await api.AuditAsync(launched.Str("id"))).Arr("events").Select(e => e.Str("type")));
        await Expect.ProblemAsync(await app.Anonymous().GetAsync($"/api/v1/signing/{token}"), HttpStatusCode.Gone, "link_gone");
    }

    [Fact]
    public async Task AUserWithoutSigningAuthorityCannotBeASigner()
    {
        var agent = await app.CreateUserAsync(await app.DemoAgencyIdAsync(), UserRole.CommercialAgent);
        var director = await app.CreateUserAsync(await app.DemoAgencyIdAsync(), UserRole.Director);
        var document = await api.UploadPdfAsync();

        await Expect.ProblemAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "in_person", signers = new[] { new { user_id = agent, role = "agence" } },
        }), HttpStatusCode.UnprocessableEntity, "no_signing_authority");
        var (draft, _) = await api.DraftAsync("in_person", signers: 1);
        await Expect.ProblemAsync(await api.PostAsync($"/api/v1/procedures/{draft.Str("id")}/signers", new { user_id = agent, role = "agence" }),
            HttpStatusCode.UnprocessableEntity, "no_signing_authority");

        var withDirector = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{draft.Str("id")}/signers",
            new { user_id = director, role = "agence" }), HttpStatusCode.Created);
        Assert.Equal(2, withDirector.Signers().Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer pk_not_a_key_of_anyone")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task ARequestWithoutAValidKeyIsUnauthorized(string? authorization)
    {
        var client = app.Anonymous();
        if (authorization is not null) client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);

        await Expect.ProblemAsync(await client.GetAsync("/api/v1/procedures"), HttpStatusCode.Unauthorized, "unauthorized");
        await Expect.ProblemAsync(await client.PostAsync("/api/v1/contacts",
            System.Net.Http.Json.JsonContent.Create(new { first_name = "A", last_name = "B" })), HttpStatusCode.Unauthorized, "unauthorized");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ProcedureRefusalsOnSqlite(SqliteApp app) : ProcedureRefusals(app);

[Collection(PostgresCollection.Name)]
public sealed class ProcedureRefusalsOnPostgres(PostgresApp app) : ProcedureRefusals(app);
