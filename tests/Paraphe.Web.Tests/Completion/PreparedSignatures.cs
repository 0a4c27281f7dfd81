using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Paraphe.Testing;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Tests.Infrastructure;
using SkiaSharp;

namespace Paraphe.Web.Tests.Completion;

/// <summary>
/// Issue 12: a drawn signature is prepared at signing in the form the stamper imports (`signature_forms`), written in
/// the save that records the signature; the sealer draws that form and decodes nothing, and a signature stored
/// before (no row) is still sealed from its PNG. The seal stays valid for pdfsig either way.
/// </summary>
public abstract class PreparedSignatures(ParapheApp app)
{
    private readonly Api api = app.Api();

    private string DevCa => Path.Combine(app.DataDirectory, "sealing", "dev-ca.pem");

    [Fact]
    public async Task ADrawingIsPreparedAtSigningAndTheSealDrawsThatFormNotThePngAgain()
    {
        var (id, contacts) = await LaunchedAsync();
        await SignAsync(contacts[0], Drawing(600, 200));

        var row = await app.DbAsync(db => db.SignatureForms.IgnoreQueryFilters().AsNoTracking().SingleAsync(f => f.ProcedureId == id));
        Assert.Equal(SignatureForm.Format, row.Format);
        Assert.Equal(await AgencyOfAsync(id), row.AgencyId);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(row.Pdf, 0, 5), StringComparison.Ordinal);
        Assert.Equal(SignatureForm.Pdf(PngOf(Drawing(600, 200)), "x", SignatureForm.PreparedCompression), row.Pdf);

        // Replaced by the form of another drawing (480 × 160): if the sealer decoded the PNG again, the sealed file would
        // hold a 600 × 200 soft mask; it holds the stored form's.
        await app.DbAsync(async db =>
        {
            var stored = await db.SignatureForms.IgnoreQueryFilters().SingleAsync(f => f.ProcedureId == id);
            stored.Pdf = SignatureForm.Pdf(PngOf(Drawing(480, 160)), "x", SignatureForm.PreparedCompression);
            await db.SaveChangesAsync();
        });
        await SignAsync(contacts[1], drawing: null);

        var pdf = await SealedAsync(id);
        var images = await ImageListAsync(pdf);
        Assert.Contains(images, l => l.Contains(" smask 480 160 gray ", StringComparison.Ordinal));
        Assert.DoesNotContain(images, l => l.Contains(" 600 200 ", StringComparison.Ordinal));
        Assert.Contains("Signature is Valid.", await VerifyAsync(pdf), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASignatureStoredBeforeItsPreparedFormIsStillSealedFromItsPng()
    {
        var (id, contacts) = await LaunchedAsync();
        await SignAsync(contacts[0], Drawing(600, 200));
        // As a signature recorded before issue 12: no prepared form.
        Assert.Equal(1, await app.DbAsync(db => db.SignatureForms.IgnoreQueryFilters().Where(f => f.ProcedureId == id).ExecuteDeleteAsync()));
        await SignAsync(contacts[1], Drawing(300, 100));
        // The second signer's row is written in the save that completes the procedure (the seal may not wait for it).
        Assert.Single(await app.DbAsync(db => db.SignatureForms.IgnoreQueryFilters().Where(f => f.ProcedureId == id).ToListAsync()));

        var pdf = await SealedAsync(id);
        var images = await ImageListAsync(pdf);
        Assert.Contains(images, l => l.Contains(" smask 600 200 gray ", StringComparison.Ordinal)); // from the PNG, at sealing
        Assert.Contains(images, l => l.Contains(" smask 300 100 gray ", StringComparison.Ordinal)); // the prepared form
        Assert.Contains("Signature is Valid.", await VerifyAsync(pdf), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATypedSignatureHasNoPreparedForm()
    {
        var (id, contacts) = await LaunchedAsync();
        await SignAsync(contacts[0], drawing: null);
        Assert.Equal(0, await app.DbAsync(db => db.SignatureForms.IgnoreQueryFilters().CountAsync(f => f.ProcedureId == id)));
    }

    private async Task<(string Id, JsonElement[] Contacts)> LaunchedAsync()
    {
        var (procedure, contacts) = await api.LaunchedAsync("remote");
        return (procedure.Str("id"), contacts);
    }

    private async Task SignAsync(JsonElement contact, string? drawing)
    {
        var token = await api.SigningTokenAsync(contact.Str("email"));
        await Expect.JsonAsync(await app.Anonymous().PostAsync($"/api/v1/signing/{token}/sign", JsonContent.Create(
            new { consent = true, signature_image = drawing, typed_name = drawing is null ? contact.Str("last_name") : null })),
            HttpStatusCode.OK);
    }

    private Task<string> AgencyOfAsync(string id) =>
        app.DbAsync(db => db.Procedures.IgnoreQueryFilters().Where(p => p.Id == id).Select(p => p.AgencyId).SingleAsync());

    private async Task<byte[]> SealedAsync(string id)
    {
        await api.WaitForSealedAsync(id);
        return await (await api.GetAsync($"/api/v1/procedures/{id}/signed-document")).Content.ReadAsByteArrayAsync();
    }

    /// <summary>A one-ink stroke on a transparent canvas, as a PNG data URL.</summary>
    private static string Drawing(int width, int height)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(SKColors.Transparent);
        using var ink = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = height / 10f, Color = new SKColor(0x1a, 0x23, 0x7e) };
        surface.Canvas.DrawLine(width / 20f, height / 2f, width * 0.95f, height / 2f, ink);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return Paraphe.Web.Features.Signing.SignatureImages.DataUrlPrefix + Convert.ToBase64String(data.ToArray());
    }

    /// <summary>The PNG as signing stores it.</summary>
    private static byte[] PngOf(string dataUrl) =>
        Paraphe.Web.Features.Signing.SignatureImages.Bytes(Paraphe.Web.Features.Signing.SignatureImages.Normalize(dataUrl))!;

    private static async Task<List<string>> ImageListAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"paraphe-prepared-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            var start = new ProcessStartInfo("pdfimages") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-list", path }) start.ArgumentList.Add(a);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("pdfimages did not start (install poppler-utils)");
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"pdfimages failed: {await process.StandardError.ReadToEndAsync()}");
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2)
                .Select(l => " " + string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)) + " ").ToList();
        }
        finally { File.Delete(path); }
    }

    private async Task<string> VerifyAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"paraphe-prepared-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try { return await Pdfsig.VerifyAsync(path, DevCa); }
        finally { File.Delete(path); }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class PreparedSignaturesOnSqlite(SqliteApp app) : PreparedSignatures(app);

[Collection(PostgresCollection.Name)]
public sealed class PreparedSignaturesOnPostgres(PostgresApp app) : PreparedSignatures(app);
