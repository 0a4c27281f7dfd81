using System.Net;
using System.Net.Http.Headers;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

public abstract class ManualProcedureMarking(ParapheApp app)
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task MarkingSignedWithoutAScanCompletesTheProcedureAndSendsNothing()
    {
        var (procedure, contacts) = await api.LaunchedAsync("manual");
        var id = procedure.Str("id");

        var completed = await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{id}/mark-signed"), HttpStatusCode.OK);

        Assert.Equal("completed", completed.Str("status"));
        Assert.False(completed.IsNull("completed_at"));
        Assert.True(completed.IsNull("scanned_document_id"));
        Assert.All(completed.Signers(), s => Assert.Equal("signed", s.Str("status")));
        // Nothing but, once sealed, the signed document by email.
        Assert.All(completed.Signers(), s => Assert.All(s.Arr("notifications"), n => Assert.Equal("completion", n.Str("purpose"))));
        Assert.All(await api.OutboxAsync(contacts[0].Str("email")), m => Assert.StartsWith("Document signé", m.Str("subject"), StringComparison.Ordinal));
        Assert.Contains("procedure.marked_signed", (await api.AuditAsync(id)).Arr("events").Select(e => e.Str("type")));
    }

    [Fact]
    public async Task MarkingSignedWithTheScannedCopyKeepsItAsADocument()
    {
        var (procedure, _) = await api.LaunchedAsync("manual", signers: 1);
        var scan = SamplePdfs.Valid(3, "Exemplaire signe");
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(scan);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", "scan.pdf");

        var completed = await Expect.JsonAsync(await api.Http.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/mark-signed", form), HttpStatusCode.OK);

        Assert.Equal("completed", completed.Str("status"));
        var scanId = completed.Str("scanned_document_id");
        var document = await Expect.JsonAsync(await api.GetAsync($"/api/v1/documents/{scanId}"), HttpStatusCode.OK);
        Assert.Equal(3, document.GetProperty("pages").GetInt32());
        Assert.Equal(scan, await (await api.GetAsync($"/api/v1/documents/{scanId}/file")).Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task AScanThatIsNotAPdfIsRefusedAndTheProcedureStaysOngoing()
    {
        var (procedure, _) = await api.LaunchedAsync("manual", signers: 1);
        using var form = Api.PdfForm(SamplePdfs.NotAPdf(), fileName: "scan.png", contentType: "image/png");

        await Expect.ProblemAsync(await api.Http.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/mark-signed", form),
            HttpStatusCode.UnprocessableEntity, "invalid_document");

        Assert.Equal("ongoing", (await api.ProcedureAsync(procedure.Str("id"))).Str("status"));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ManualProcedureMarkingOnSqlite(SqliteApp app) : ManualProcedureMarking(app);

[Collection(PostgresCollection.Name)]
public sealed class ManualProcedureMarkingOnPostgres(PostgresApp app) : ManualProcedureMarking(app);
