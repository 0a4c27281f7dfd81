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
