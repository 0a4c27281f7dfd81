using System.Net;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>`POST /procedures` with `launch: true`: created and launched in one transaction, or not at all.</summary>
public abstract class ProcedureCreateAndLaunch(ParapheApp app)
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task ARemoteProcedureIsCreatedAndLaunchedInOneCall()
    {
        var contact = await api.CreateContactAsync("Zoé", "Marchand");
        var document = await api.UploadPdfAsync();

        var procedure = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", launch = true,
            signers = new[] { new { contact_id = contact.Str("id"), role = "acquéreur" } },
        }), HttpStatusCode.Created);

        Assert.Equal("ongoing", procedure.Str("status"));
        Assert.Equal(2, procedure.Signers()[0].Arr("notifications").Count(n => n.Str("purpose") == "invitation"));
        await api.WaitForOutboxAsync(contact.Str("email"));
        var audit = await api.AuditAsync(procedure.Str("id"));
        Assert.True(audit.GetProperty("valid").GetBoolean());
    }

    /// <summary>
    /// The launch freezes the coordinates the create has just read and checked (issue 12: not read a second time):
    /// each signer keeps its own contact's, in its own place, every one is invited by email and SMS, one valid chain.
    /// </summary>
    [Fact]
    public async Task EachOfThreeSignersIsFrozenWithItsOwnContactAndInvited()
    {
        var contacts = new[]
        {
            await api.CreateContactAsync("Zoé", "Marchand"), await api.CreateContactAsync("Hugo", "Lemoine"),
            await api.CreateContactAsync("Inès", "Roussel"),
        };
        var document = await api.UploadPdfAsync();

        var created = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", launch = true,
            signers = contacts.Select(c => new { contact_id = c.Str("id"), role = "acquéreur" }).ToArray(),
        }), HttpStatusCode.Created);

        var procedure = await api.ProcedureAsync(created.Str("id"));
        Assert.Equal("ongoing", procedure.Str("status"));
        var signers = procedure.Signers();
        Assert.Equal(3, signers.Length);
        foreach (var (signer, contact) in signers.Zip(contacts))
        {
            Assert.Equal((contact.Str("email"), contact.Str("mobile")), (signer.Str("email"), signer.Str("mobile")));
            Assert.Equal(2, signer.Arr("notifications").Count(n => n.Str("purpose") == "invitation"));
        }
        foreach (var contact in contacts)
        {
            await api.WaitForOutboxAsync(contact.Str("email"));
            await api.WaitForOutboxAsync(contact.Str("mobile"));
        }
        Assert.True((await api.AuditAsync(created.Str("id"))).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task ARefusedLaunchCreatesNothing()
    {
        var landline = await api.CreateContactAsync("Paul", "Fixe", mobile: "01 42 68 53 00");
        var document = await api.UploadPdfAsync();
        var before = (await Expect.JsonAsync(await api.GetAsync("/api/v1/procedures?page_size=1"), HttpStatusCode.OK)).GetProperty("total").GetInt32();

        var problem = await Expect.ProblemAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote", launch = true,
            signers = new[] { new { contact_id = landline.Str("id"), role = "vendeur" } },
        }), HttpStatusCode.UnprocessableEntity, "validation_failed");

        Assert.Contains("signers[0].mobile", Expect.ErrorKeys(problem));
        var after = (await Expect.JsonAsync(await api.GetAsync("/api/v1/procedures?page_size=1"), HttpStatusCode.OK)).GetProperty("total").GetInt32();
        Assert.Equal(before, after);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ProcedureCreateAndLaunchOnSqlite(SqliteApp app) : ProcedureCreateAndLaunch(app);

[Collection(PostgresCollection.Name)]
public sealed class ProcedureCreateAndLaunchOnPostgres(PostgresApp app) : ProcedureCreateAndLaunch(app);
