using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Platform;

/// <summary>Bad input is refused with problem+json and a stable code, never a 500, and leaves nothing half-written.</summary>
public abstract class BadInputRejection(ParapheApp app)
{
    private readonly Api api = app.Api();

    public static TheoryData<string> InvalidPdfs => ["not_a_pdf", "truncated", "encrypted", "encrypted_without_user_password", "empty_pages"];

    [Theory]
    [MemberData(nameof(InvalidPdfs))]
    public async Task AFileThatIsNotAWellFormedUnencryptedPdfIsRefusedAndNotStored(string kind)
    {
        var bytes = kind switch
        {
            "not_a_pdf" => SamplePdfs.NotAPdf(),
            "truncated" => SamplePdfs.Truncated(),
            "encrypted" => SamplePdfs.Encrypted(),
            "encrypted_without_user_password" => SamplePdfs.EncryptedWithoutUserPassword(),
            _ => Encoding.ASCII.GetBytes("%PDF-1.4\n" + new string(' ', 100) + "\ntrailer\n<< >>\n%%EOF\n"),
        };
        var before = await DocumentCountAsync();

        var problem = await Expect.ProblemAsync(await api.UploadAsync(bytes), HttpStatusCode.UnprocessableEntity, "invalid_document");

        Assert.Contains("file", Expect.ErrorKeys(problem));
        if (kind.StartsWith("encrypted", StringComparison.Ordinal))
            Assert.Contains("mot de passe", problem.Str("detail"), StringComparison.Ordinal); // tells the agent what to fix
        Assert.Equal(before, await DocumentCountAsync());
    }

    [Fact]
    public async Task AValidPdfIsStoredWithItsHashAndPageCount()
    {
        var bytes = SamplePdfs.Valid(3);

        var document = await Expect.JsonAsync(await api.UploadAsync(bytes, "Mandat de vente"), HttpStatusCode.Created);

        Assert.Equal(3, document.GetProperty("pages").GetInt32());
        Assert.Equal(bytes.Length, document.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), document.Str("sha256"));
        Assert.Equal("Mandat de vente", document.Str("title"));
        var file = await api.GetAsync($"/api/v1/documents/{document.Str("id")}/file");
        Assert.Equal("application/pdf", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await file.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task AFileOverTheSizeLimitIsRefusedAsTooLarge()
    {
        var valid = SamplePdfs.Valid(1);
        // A PDF padded with a comment to 1.5 MB, over the 1 MB limit the test app is configured with.
        var big = new byte[ParapheApp.MaxUploadMegabytes * 1024 * 1024 * 3 / 2];
        valid.AsSpan(0, 9).CopyTo(big);
        big.AsSpan(9).Fill((byte)' ');
        valid.AsSpan(9).CopyTo(big.AsSpan(big.Length - valid.Length + 9));
        var before = await DocumentCountAsync();

        await Expect.ProblemAsync(await api.UploadAsync(big), HttpStatusCode.RequestEntityTooLarge, "document_too_large");

        Assert.Equal(before, await DocumentCountAsync());
    }

    [Fact]
    public async Task AnUploadWithoutAFileIsAValidationError()
    {
        using var form = new MultipartFormDataContent { { new StringContent("Sans fichier"), "title" } };

        var problem = await Expect.ProblemAsync(await api.Http.PostAsync("/api/v1/documents", form), HttpStatusCode.UnprocessableEntity, "validation_failed");

        Assert.Contains("file", Expect.ErrorKeys(problem));
    }

    [Theory]
    [InlineData("/api/v1/contacts", "{\"first_name\": \"Jeanne\",")]
    [InlineData("/api/v1/procedures", "{not json}")]
    [InlineData("/api/v1/procedures", "[1, 2, 3]")]
    [InlineData("/api/v1/procedures", "{\"document_id\": 42, \"mode\": \"remote\"}")]
    [InlineData("/api/v1/procedures", "{\"document_id\": \"doc_x\", \"signers\": {\"contact_id\": \"x\"}}")]
    public async Task MalformedJsonIsABadRequest(string path, string json)
    {
        var response = await api.Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_request");
    }

    [Fact]
    public async Task AnEmptyJsonBodyIsABadRequest()
    {
        var response = await api.Http.PostAsync("/api/v1/contacts", new StringContent("", Encoding.UTF8, "application/json"));

        await Expect.ProblemAsync(response, HttpStatusCode.BadRequest, "malformed_request");
    }

    [Fact]
    public async Task AJsonEndpointRefusesAnotherContentType()
    {
        var response = await api.Http.PostAsync("/api/v1/contacts", new StringContent("first_name=Jeanne", Encoding.UTF8, "text/plain"));

        await Expect.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "malformed_request");
    }

    [Fact]
    public async Task TheUploadEndpointRefusesJson()
    {
        var response = await api.Http.PostAsync("/api/v1/documents", new StringContent("{\"title\":\"x\"}", Encoding.UTF8, "application/json"));

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False((await Expect.JsonAsync(response, response.StatusCode)).IsNull("code"));
    }

    [Fact]
    public async Task AWrongMethodIsAProblemWithACode()
    {
        var response = await api.DeleteAsync("/api/v1/contacts");

        await Expect.ProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Fact]
    public async Task AnUnknownStatusFilterIsAValidationError()
    {
        var problem = await Expect.ProblemAsync(await api.GetAsync("/api/v1/procedures?status=finished"), HttpStatusCode.UnprocessableEntity, "validation_failed");

        Assert.Contains("status", Expect.ErrorKeys(problem));
    }

    [Fact]
    public async Task AContactWithoutANameIsRefusedAndOneWithBadCoordinatesIsSavedWithItsChecks()
    {
        var problem = await Expect.ProblemAsync(await api.PostAsync("/api/v1/contacts", new { email = "a@gmail.com" }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.Contains("last_name", Expect.ErrorKeys(problem));

        var contact = await api.CreateContactAsync("Paul", "Réunion", email: "paul@gmial.com", mobile: "0692 12 34 56");

        var checks = contact.GetProperty("checks");
        Assert.False(checks.GetProperty("email").GetProperty("ok").GetBoolean());
        Assert.Equal("email_suspected_typo", checks.GetProperty("email").Str("code"));
        Assert.Equal("paul@gmail.com", checks.GetProperty("email").Str("suggestion"));
        Assert.Equal("mobile_wrong_country", checks.GetProperty("mobile").Str("code"));
        Assert.Equal("+262692123456", checks.GetProperty("mobile").Str("suggestion"));
    }

    [Fact]
    public async Task NoRefusalAboveIsEverAServerError()
    {
        var (launched, _) = await api.LaunchedAsync("remote", signers: 1);
        var id = launched.Str("id");
        var requests = new Func<Task<HttpResponseMessage>>[]
        {
            () => api.PatchAsync($"/api/v1/procedures/{id}", new { expires_in_days = -1 }),
            () => api.PostAsync($"/api/v1/procedures/{id}/signers", new { }),
            () => api.PostAsync($"/api/v1/procedures/{id}/relaunch", new { signers = new[] { new { signer_id = "sgn_x", email = "x@gmail.com" } } }),
            () => api.PostAsync($"/api/v1/procedures/{id}/cancel"),
            () => api.PostAsync("/api/v1/procedures", new { document_id = "", mode = "remote", signers = new object?[] { null } }),
            () => api.PostAsync("/api/v1/procedures", new { document_id = "doc_x", mode = "remote", signers = new[] { new { contact_id = "ctc_x", user_id = "usr_x" } } }),
            () => api.PostAsync("/api/v1/contacts", new { first_name = new string('a', 5000), last_name = "x" }),
            () => api.GetAsync("/api/v1/contacts?page=-3&page_size=100000"),
            () => api.GetAsync($"/api/v1/procedures/{new string('x', 5000)}"),
            () => app.Anonymous().PostAsync("/api/v1/signing/short/sign", new StringContent("{}", Encoding.UTF8, "application/json")),
            () => app.Anonymous().PostAsync($"/api/v1/signing/{new string('a', 43)}/decline", new StringContent("{\"reason\":", Encoding.UTF8, "application/json")),
        };

        foreach (var send in requests)
        {
            var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} → {(int)response.StatusCode}: {body}");
            if (!response.IsSuccessStatusCode)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains("\"code\"", body, StringComparison.Ordinal);
            }
        }
        Assert.Equal("ongoing", (await api.ProcedureAsync(id)).Str("status"));
    }

    private Task<int> DocumentCountAsync() => app.DbAsync(async db =>
    {
        var agency = await app.DemoAgencyIdAsync();
        return await db.Documents.IgnoreQueryFilters().CountAsync(d => d.AgencyId == agency);
    });
}

[Collection(SqliteCollection.Name)]
public sealed class BadInputRejectionOnSqlite(SqliteApp app) : BadInputRejection(app);

[Collection(PostgresCollection.Name)]
public sealed class BadInputRejectionOnPostgres(PostgresApp app) : BadInputRejection(app);
