using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>Signature boxes inside their page, signers that name one person, body limits per endpoint, token before body.</summary>
public abstract partial class InputLimits
{
    // ---- Signature boxes (the sample PDF's pages are A4: 595 × 842 points, origin bottom left) ----

    public static TheoryData<string, double, double, double, double> BoxesOutsideTheirPage => new()
    {
        { "negative x", -1, 80, 180, 60 },
        { "negative y", 50, -0.75, 180, 60 },
        { "beyond the width", 500, 80, 180, 60 },
        { "beyond the height", 50, 800, 180, 60 },
        { "straddling the top right corner", 590, 838, 20, 20 },
        { "larger than the page", 0, 0, 600, 900 },
        { "far away", 1e9, 1e9, 10, 10 },
        { "zero width", 50, 80, 0, 60 },
        { "negative height", 50, 80, 180, -60 },
    };

    [Theory]
    [MemberData(nameof(BoxesOutsideTheirPage))]
    public async Task ABoxNotEntirelyInsideItsPageIsRefusedAtCreation(string what, double x, double y, double width, double height)
    {
        var document = await api.UploadPdfAsync();
        var contact = await api.CreateContactAsync();
        await RefusedAsync(() => api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote",
            signers = new[] { new { contact_id = contact.Str("id"), role = what, field = new { page = 1, x, y, width, height } } },
        }), "signers[0].field");
    }

    [Theory]
    [MemberData(nameof(BoxesOutsideTheirPage))]
    public async Task ABoxNotEntirelyInsideItsPageIsRefusedWhenASignerIsAdded(string what, double x, double y, double width, double height)
    {
        var (procedure, _) = await api.DraftAsync("remote", signers: 1);
        var contact = await api.CreateContactAsync("Inès", "Moreau");
        await RefusedAsync(() => api.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/signers",
            new { contact_id = contact.Str("id"), role = what, field = new { page = 2, x, y, width, height } }), "field");
    }

    [Fact]
    public async Task ABoxTouchingTheEdgesOfItsPageIsAccepted()
    {
        var document = await api.UploadPdfAsync();
        var contact = await api.CreateContactAsync();
        var response = await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "remote",
            signers = new[] { new { contact_id = contact.Str("id"), role = "vendeur", field = new { page = 2, x = 415, y = 782, width = 180, height = 60 } } },
        });
        await Expect.JsonAsync(response, HttpStatusCode.Created);
    }

    [Fact]
    public async Task ADocumentStoredBeforePageSizesWereRecordedIsCheckedFromItsPdfAndRemembers()
    {
        var document = await api.UploadPdfAsync();
        var id = document.Str("id");
        await app.DbAsync(db => db.Documents.IgnoreQueryFilters().Where(d => d.Id == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.PageSizes, (string?)null)));
        var contact = await api.CreateContactAsync();

        await RefusedAsync(() => api.CreateProcedureRawAsync(new
        {
            document_id = id, mode = "remote",
            signers = new[] { new { contact_id = contact.Str("id"), role = "vendeur", field = new { page = 1, x = 500, y = 80, width = 180, height = 60 } } },
        }), "signers[0].field");

        var stored = await app.DbAsync(db => db.Documents.IgnoreQueryFilters().Where(d => d.Id == id).Select(d => d.PageSizes).SingleAsync());
        Assert.Equal("595x842 595x842", stored);
    }

    [Fact]
    public async Task ChangingADraftsDocumentRefusesOneThatItsBoxesDoNotFit()
    {
        var twoPages = await api.UploadPdfAsync();
        var onePage = await Expect.JsonAsync(await api.UploadAsync(SamplePdfs.Valid(1), "Avenant"), HttpStatusCode.Created);
        var contact = await api.CreateContactAsync();
        var procedure = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = twoPages.Str("id"), mode = "remote",
            signers = new[] { new { contact_id = contact.Str("id"), role = "vendeur", field = new { page = 2, x = 50, y = 80, width = 180, height = 60 } } },
        }), HttpStatusCode.Created);

        var problem = await Expect.ProblemAsync(await api.PatchAsync($"/api/v1/procedures/{procedure.Str("id")}", new { document_id = onePage.Str("id") }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");

        Assert.Contains("signers[0].field.page", Expect.ErrorKeys(problem));
        Assert.Equal(twoPages.Str("id"), (await api.ProcedureAsync(procedure.Str("id"))).Str("document_id"));
    }

    // ---- A signer is one person: a contact or a user ----

    [Theory]
    [InlineData("neither")]
    [InlineData("both")]
    [InlineData("null")]
    public async Task ASignerThatIsNotExactlyAContactOrAUserIsRefusedNeverA500(string how)
    {
        var document = await api.UploadPdfAsync();
        var contact = await api.CreateContactAsync();
        object?[] signers = how switch
        {
            "neither" => [new { contact_id = contact.Str("id"), role = "vendeur" }, new { role = "acquéreur" }],
            "both" => [new { contact_id = contact.Str("id"), role = "vendeur" }, new { contact_id = contact.Str("id"), user_id = "usr_x", role = "acquéreur" }],
            _ => [new { contact_id = contact.Str("id"), role = "vendeur" }, null],
        };
        await RefusedAsync(() => api.CreateProcedureRawAsync(new { document_id = document.Str("id"), mode = "remote", signers }), "signers[1]");
    }

    [Fact]
    public async Task AddingASignerWithoutAContactOrAUserIsRefused()
    {
        var (procedure, _) = await api.DraftAsync("remote", signers: 1);
        await RefusedAsync(() => api.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/signers", new { role = "acquéreur" }), "contact_id");
    }

    // ---- Body limits per endpoint ----

    /// <summary>Valid JSON of about <paramref name="bytes"/> bytes: a contact with a long unknown member.</summary>
    private static byte[] PaddedContact(int bytes) =>
        Encoding.UTF8.GetBytes($"{{\"first_name\":\"Jeanne\",\"last_name\":\"Durand\",\"padding\":\"{new string('x', bytes)}\"}}");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AJsonBodyOverSixtyFourKilobytesIsRefusedAsTooLarge(bool withLength)
    {
        var before = await SnapshotAsync();
        var content = new BodyContent(PaddedContact(70 * 1024), "application/json", withLength);

        await Expect.ProblemAsync(await api.Http.PostAsync("/api/v1/contacts", content), HttpStatusCode.RequestEntityTooLarge, "request_too_large");

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AJsonBodyUnderTheLimitIsRead()
    {
        var response = await api.Http.PostAsync("/api/v1/contacts", new BodyContent(PaddedContact(50 * 1024), "application/json", true));
        await Expect.JsonAsync(response, HttpStatusCode.Created);
    }

    [Fact]
    public async Task ASignatureMayCarryMoreThanSixtyFourKilobytesButNotMoreThanOneMegabyte()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        string Body(int size) => $"{{\"consent\":true,\"signature_image\":\"data:image/png;base64,{new string('A', size)}\"}}";

        var big = await app.Anonymous().PostAsync($"/api/v1/signing/{token}/sign", new StringContent(Body(200 * 1024), Encoding.UTF8, "application/json"));
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, big.StatusCode); // refused for its image (not a PNG), not for its size
        Assert.Equal(HttpStatusCode.UnprocessableEntity, big.StatusCode);

        await Expect.ProblemAsync(await app.Anonymous().PostAsync($"/api/v1/signing/{token}/sign",
            new BodyContent(Encoding.UTF8.GetBytes(Body(1100 * 1024)), "application/json", false)), HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        Assert.Equal("pending", (await api.ProcedureAsync(procedure.Str("id"))).Signers()[0].Str("status"));
    }

    [Theory]
    [InlineData("/api/v1/documents", true)]
    [InlineData("/api/v1/documents", false)]
    [InlineData("/api/v1/verify", true)]
    [InlineData("mark-signed", false)]
    public async Task AnUploadOverTheWholeRequestLimitIsADocumentTooLarge(string path, bool withLength)
    {
        if (path == "mark-signed")
            path = $"/api/v1/procedures/{(await api.LaunchedAsync("manual", signers: 1)).Procedure.Str("id")}/mark-signed";
        var before = await SnapshotAsync();
        // Three times the test app's 1 MB upload limit: over the request limit (1 MB + 1 MB for the form) too.
        using var form = new MultipartFormDataContent
        {
            { new BodyContent(new byte[3 * ParapheApp.MaxUploadMegabytes * 1024 * 1024], "application/pdf", withLength), "file", "gros.pdf" },
        };

        var client = path.StartsWith("/api/v1/verify", StringComparison.Ordinal) ? app.Anonymous() : api.Http;
        await Expect.ProblemAsync(await client.PostAsync(path, form), HttpStatusCode.RequestEntityTooLarge, "document_too_large");

        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("/api/v1/documents")]
    [InlineData("/api/v1/verify")]
    [InlineData("/api/v1/procedures/{id}/mark-signed")]
    [InlineData("/api/v1/signing/{token}/sign")]
    [InlineData("/api/v1/signing/{token}/decline")]
    public async Task TheOpenApiDocumentListsTheTooLargeAnswer(string path)
    {
        var openapi = await Expect.JsonAsync(await app.Anonymous().GetAsync("/api/v1/openapi.json"), HttpStatusCode.OK);
        var responses = openapi.GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("responses");
        Assert.True(responses.TryGetProperty("413", out _), $"{path}: {responses}");
    }

    [Fact]
    public async Task AScanOfAProcedureWhoseTitleIsAtItsLimitIsStillAccepted()
    {
        var title = new string('t', 198) + "😀";
        var document = await Expect.JsonAsync(await api.UploadAsync(SamplePdfs.Valid(1), title), HttpStatusCode.Created);
        var contact = await api.CreateContactAsync();
        var procedure = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
        {
            document_id = document.Str("id"), mode = "manual", signers = new[] { new { contact_id = contact.Str("id"), role = "vendeur" } },
        }), HttpStatusCode.Created);
        await api.LaunchAsync(procedure.Str("id"));

        var marked = await Expect.JsonAsync(await api.Http.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/mark-signed",
            new MultipartFormDataContent { { new ByteArrayContent(SamplePdfs.Valid(1)), "file", "scan.pdf" } }), HttpStatusCode.OK);

        Assert.Equal("completed", marked.Str("status"));
    }

    [Fact]
    public async Task APageFormOverItsLimitGetsTheFrenchErrorPage()
    {
        var (_, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        var form = new BodyContent(Encoding.ASCII.GetBytes("DeclineReason=" + new string('x', 2 * 1024 * 1024)), "application/x-www-form-urlencoded", true);

        var response = await app.Anonymous().PostAsync($"/sign/{token}?handler=decline", form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("trop volumineux", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // ---- Anonymous endpoints check their token before reading a body ----

    public static TheoryData<string, string> UnknownTokenBodies => new()
    {
        { "sign", "huge" }, { "sign", "malformed" }, { "decline", "huge" }, { "decline", "malformed" }, { "otp", "huge" },
    };

    private static HttpContent Body(string kind) => kind == "huge"
        ? new BodyContent(new byte[3 * 1024 * 1024], "application/json", withLength: true) // over every limit but the uploads'
        : new StringContent("{\"reason\": [1, ", Encoding.UTF8, "application/json");

    [Theory]
    [MemberData(nameof(UnknownTokenBodies))]
    public async Task AnUnknownLinkIsNotFoundWhateverTheBody(string action, string body)
    {
        var response = await app.Anonymous().PostAsync($"/api/v1/signing/{new string('u', 43)}/{action}", Body(body));
        await Expect.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("huge")]
    [InlineData("malformed")]
    public async Task AClosedLinkIsGoneWhateverTheBody(string body)
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{procedure.Str("id")}/cancel", new { reason = "erreur de document" }), HttpStatusCode.OK);

        await Expect.ProblemAsync(await app.Anonymous().PostAsync($"/api/v1/signing/{token}/decline", Body(body)), HttpStatusCode.Gone, "link_gone");
    }

    [Theory]
    [InlineData("sign")]
    [InlineData("decline")]
    [InlineData("otp")]
    public async Task TheSigningPageAnswersAnUnknownLinkBeforeReadingItsForm(string handler)
    {
        var form = new BodyContent(Encoding.ASCII.GetBytes("DeclineReason=" + new string('x', 3 * 1024 * 1024)), "application/x-www-form-urlencoded", true);

        var response = await app.Anonymous().PostAsync($"/sign/{new string('u', 43)}?handler={handler}", form);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    // ---- What Paraphe records about a signer's browser ----

    [Fact]
    public async Task AUserAgentIsStoredWithoutControlOrBidiCharactersAndCut()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/signing/{token}");
        request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla\u202E" + new string('m', 5000));

        await Expect.JsonAsync(await app.Anonymous().SendAsync(request), HttpStatusCode.OK);

        var opened = (await api.AuditAsync(procedure.Str("id"))).Arr("events").Single(e => e.Str("type") == "signer.link_opened");
        var agent = opened.GetProperty("data").Str("user_agent");
        Assert.True(agent.Length <= 512, $"{agent.Length} characters kept");
        Assert.StartsWith("Mozillamm", agent, StringComparison.Ordinal);
    }

    /// <summary>A body sent with or without a Content-Length (then chunked, as a client streaming it would).</summary>
    private sealed class BodyContent : HttpContent
    {
        private readonly byte[] bytes;
        private readonly bool withLength;

        public BodyContent(byte[] bytes, string mediaType, bool withLength)
        {
            this.bytes = bytes;
            this.withLength = withLength;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return withLength;
        }
    }
}
