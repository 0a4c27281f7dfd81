using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 8 (documents): active content never reaches a signer or the sealed document — removed at upload
/// (contracts and mark-signed scans), the agent told which kinds, the stored file (and its SHA-256) the cleaned one,
/// still a PDF poppler reads; and served PDFs cannot run in Paraphe's origin. Checked with qpdf's uncompressed
/// rewrite (`qpdf --qdf`) and a text scan, independent of PDFsharp.
/// </summary>
public abstract class ActiveContent(ParapheApp app)
{
    private readonly Api api = app.Api();

    private const string Page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R{0} >>";
    private const string Font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
    private const string Content = "<< /Length 45 >>\nstream\nBT /F1 24 Tf 72 760 Td (Contrat actif) Tj ET\nendstream";

    /// <summary>Catalog (with <paramref name="catalog"/> extra keys), pages, a page (with <paramref name="page"/>), font,
    /// content, then <paramref name="more"/> from object 6.</summary>
    private static byte[] Pdf(string catalog, string page, params string[] more) =>
        CraftedPdfs.Build([$"<< /Type /Catalog /Pages 2 0 R {catalog} >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            string.Format(System.Globalization.CultureInfo.InvariantCulture, Page, page), Font, Content, .. more]);

    public static TheoryData<string, string[], string[]> Hostile() => new()
    {
        {
            "javascript", ["javascript"], ["/JavaScript", "/JS", "app.alert"]
        },
        {
            "actions", ["form_submission", "launch"], ["/Launch", "/SubmitForm", "/ImportData", "calc.exe", "collect.example"]
        },
        {
            "embedded", ["embedded_files"], ["/EmbeddedFile", "/FileAttachment", "SECRET-PAYLOAD"]
        },
        {
            "xfa-media", ["rich_media", "xfa"], ["/XFA", "/RichMedia", "<xdp:xdp"]
        },
    };

    private static byte[] Sample(string kind) => kind switch
    {
        "javascript" => Pdf(
            "/Names << /JavaScript << /Names [(init) 6 0 R] >> >> /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> /AA << /WC 7 0 R >>",
            " /AA << /O << /S /JavaScript /JS (app.alert\\(2\\)) >> >> /Annots [8 0 R]",
            "<< /S /JavaScript /JS 9 0 R >>", "<< /S /JavaScript /JS (app.alert\\(3\\)) >>",
            "<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /URI /URI (https://example.org) /Next << /S /JavaScript /JS (app.alert\\(4\\)) >> >> >>",
            "<< /Length 12 >>\nstream\napp.alert(5)\nendstream"),
        "actions" => Pdf("", " /Annots [6 0 R 7 0 R 8 0 R]",
            "<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /Launch /F (calc.exe) >> >>",
            "<< /Type /Annot /Subtype /Link /Rect [0 20 10 30] /A << /S /SubmitForm /F << /FS /URL /F (https://collect.example/x) >> >> >>",
            "<< /Type /Annot /Subtype /Link /Rect [0 40 10 50] /A << /S /ImportData /F (data.fdf) >> >>"),
        "embedded" => Pdf("/Names << /EmbeddedFiles << /Names [(a.txt) 6 0 R] >> >>", " /Annots [8 0 R]",
            "<< /Type /Filespec /F (a.txt) /EF << /F 7 0 R >> >>",
            "<< /Type /EmbeddedFile /Length 14 >>\nstream\nSECRET-PAYLOAD\nendstream",
            "<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS 6 0 R >>"),
        "xfa-media" => Pdf("/AcroForm << /Fields [] /XFA 6 0 R >>", " /Annots [7 0 R]",
            "<< /Length 23 >>\nstream\n<xdp:xdp>form</xdp:xdp>\nendstream",
            "<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task ActiveContentIsRemovedAtUploadAndTheAgentIsTold(string kind, string[] removed, string[] absent)
    {
        var pdf = Sample(kind);
        var before = await QdfTextAsync(pdf);
        Assert.All(absent, marker => Assert.Contains(marker, before, StringComparison.Ordinal)); // the sample carries it

        var document = await Expect.JsonAsync(await api.Http.PostAsync("/api/v1/documents", Api.PdfForm(pdf)), HttpStatusCode.Created);
        Assert.Equal(removed, document.Arr("removed_active_content").Select(e => e.GetString()).ToArray());

        var stored = await (await api.GetAsync($"/api/v1/documents/{document.Str("id")}/file")).Content.ReadAsByteArrayAsync();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), document.Str("sha256"));
        var after = await QdfTextAsync(stored);
        Assert.All(absent, marker => Assert.DoesNotContain(marker, after, StringComparison.Ordinal));
        Assert.Contains("Contrat actif", string.Join(' ', await PdfText.PagesAsync(stored)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APlainDocumentIsStoredByteForByte()
    {
        var pdf = SamplePdfs.Valid(2);
        var document = await Expect.JsonAsync(await api.Http.PostAsync("/api/v1/documents", Api.PdfForm(pdf)), HttpStatusCode.Created);
        Assert.Empty(document.Arr("removed_active_content"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), document.Str("sha256"));
    }

    [Fact]
    public async Task AMarkSignedScanLosesItsJavaScriptToo()
    {
        var (procedure, _) = await api.LaunchedAsync("manual", signers: 1);
        var id = procedure.Str("id");
        await Expect.JsonAsync(await api.Http.PostAsync($"/api/v1/procedures/{id}/mark-signed", Api.PdfForm(Sample("javascript"))), HttpStatusCode.OK);

        var stored = await app.DbAsync(async db =>
        {
            var scanId = await db.Procedures.IgnoreQueryFilters().Where(p => p.Id == id).Select(p => p.ScannedDocumentId).SingleAsync();
            return await app.Files.ReadDocumentAsync(db.DocumentContents.IgnoreQueryFilters().Where(c => c.DocumentId == scanId), default);
        });
        Assert.DoesNotContain("/JavaScript", await QdfTextAsync(stored!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServedDocumentsCannotRunInParaphesOrigin()
    {
        var document = await api.UploadPdfAsync();
        var api1 = await api.GetAsync($"/api/v1/documents/{document.Str("id")}/file");
        AssertSandboxed(api1);

        var (launched, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        var signing = await app.Anonymous().GetAsync($"/api/v1/signing/{token}/document");
        AssertSandboxed(signing);
        Assert.Equal("no-referrer", Assert.Single(signing.Headers.GetValues("Referrer-Policy")));
        Assert.NotNull(launched.Str("id"));
    }

    private static void AssertSandboxed(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.StartsWith("sandbox", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.True(response.Headers.CacheControl?.NoStore, "a PDF is never cached");
    }

    /// <summary>The file as qpdf rewrites it (every stream uncompressed, only the objects reachable from the trailer),
    /// as text; qpdf must accept it (exit 0, or 3 for warnings).</summary>
    private static async Task<string> QdfTextAsync(byte[] pdf)
    {
        var input = Path.Combine(Path.GetTempPath(), $"paraphe-active-{Guid.NewGuid():N}.pdf");
        var output = input + ".qdf";
        await File.WriteAllBytesAsync(input, pdf);
        try
        {
            var start = new ProcessStartInfo("qpdf") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "--qdf", "--object-streams=disable", input, output }) start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode is 0 or 3, $"qpdf refused the file ({process.ExitCode}): {stderr}");
            return Encoding.Latin1.GetString(await File.ReadAllBytesAsync(output));
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ActiveContentOnSqlite(SqliteApp app) : ActiveContent(app);

[Collection(PostgresCollection.Name)]
public sealed class ActiveContentOnPostgres(PostgresApp app) : ActiveContent(app);
