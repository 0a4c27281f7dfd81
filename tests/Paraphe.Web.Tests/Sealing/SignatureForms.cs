using System.Diagnostics;
using Paraphe.Domain;
using Paraphe.Testing;
using Paraphe.Web.Features.Sealing;
using SkiaSharp;

namespace Paraphe.Web.Tests.Sealing;

/// <summary>
/// Issue 12: drawn signatures reach the PDF as image streams Paraphe writes itself (SkiaSharp decode, colour + alpha
/// Flate), not through PDFsharp's PNG decoder. What must not change: the drawing shows in its box, in its colours,
/// transparent around the ink, and the bounded decoder of issue 9 still refuses what it refused.
/// </summary>
public sealed class SignatureForms : IDisposable
{
    private static readonly DateTime SignedAt = new(2026, 11, 27, 22, 8, 0, DateTimeKind.Utc);
    private static readonly StampBox Box = new(1, 300, 100, 240, 100); // PDF points, origin bottom left

    private readonly string _directory = Directory.CreateTempSubdirectory("paraphe-forms-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_one_ink_drawing_shows_in_its_box_in_its_colour_with_the_page_visible_around_the_ink()
    {
        var png = Drawing(1200, 400, (canvas, ink) =>
        {
            ink.Color = new SKColor(0x1a, 0x23, 0x7e);
            canvas.DrawLine(40, 200, 1160, 200, ink); // one thick horizontal stroke across the middle
        });

        var original = SamplePdfs.Valid(pageCount: 1);
        var before = await RenderAsync(original);
        var pdf = SignatureStamper.Stamp(original, [new("Alice Martin", SignedAt, Box, png)]);
        var page = await RenderAsync(pdf);

        // The ink: dark blue pixels inside the box, on the stroke's row; none outside the box.
        var inBox = Count(page, p => IsInk(p, 0x1a, 0x23, 0x7e), Box);
        Assert.True(inBox > 200, $"the stroke should show in its box in dark blue ({inBox} pixels found)");
        Assert.Equal(0, Count(page, p => IsInk(p, 0x1a, 0x23, 0x7e), new StampBox(1, 0, 0, 290, 842)));
        // Transparent around the ink: above the stroke, inside the box, the page stays white.
        // (The image spans the box's upper part, above the caption: 12 pt under the top is in the image, off the stroke.)
        Assert.Equal(Pixel(before, Box.X + Box.Width / 2, Box.Y + Box.Height - 12), Pixel(page, Box.X + Box.Width / 2, Box.Y + Box.Height - 12));

        // One colour: a 1 × 1 colour image and the full-size alpha as its soft mask.
        var images = await ImageListAsync(pdf);
        Assert.Contains(images, l => l.Contains(" image 1 1 rgb ", StringComparison.Ordinal));
        Assert.Contains(images, l => l.Contains(" smask 1200 400 gray ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_phone_drawing_whose_strokes_cross_is_still_one_ink()
    {
        // As sign.js draws: short antialiased segments, loops crossing themselves, then stored as signing stores it.
        var sent = Drawing(1200, 400, (canvas, ink) =>
        {
            ink.Color = new SKColor(0x1a, 0x23, 0x7e);
            ink.StrokeWidth = 5;
            var (px, py) = (60f, 200f);
            for (var t = 0.002; t <= 1.0; t += 0.002)
            {
                var x = (float)(60 + 960 * t + 55 * Math.Cos(2 * Math.PI * 6 * t));
                var y = (float)(200 + 110 * Math.Sin(2 * Math.PI * 6 * t));
                canvas.DrawLine(px, py, x, y, ink);
                (px, py) = (x, y);
            }
        });
        var stored = Paraphe.Web.Features.Signing.SignatureImages.Bytes(
            Paraphe.Web.Features.Signing.SignatureImages.Normalize(Paraphe.Web.Features.Signing.SignatureImages.DataUrlPrefix + Convert.ToBase64String(sent)))!;

        var pdf = SignatureStamper.Stamp(SamplePdfs.Valid(pageCount: 1), [new("Alice Martin", SignedAt, Box, stored)]);

        var images = await ImageListAsync(pdf);
        Assert.Contains(images, l => l.Contains(" image 1 1 rgb ", StringComparison.Ordinal));
        // A 5-pixel stroke is 1 pt wide in this box: rendered at 72 dpi it is antialiased, blue rather than the ink itself.
        var blue = Count(await RenderAsync(pdf), p => p.Blue > p.Red + 40 && p.Blue > p.Green + 40, Box);
        Assert.True(blue > 200, $"the loops should show in blue ({blue} pixels found)");
    }

    [Fact]
    public async Task A_drawing_in_two_colours_keeps_both()
    {
        var png = Drawing(600, 200, (canvas, ink) =>
        {
            ink.Color = SKColors.Red;
            canvas.DrawLine(20, 100, 290, 100, ink);
            ink.Color = new SKColor(0, 160, 0);
            canvas.DrawLine(310, 100, 580, 100, ink);
        });

        var pdf = SignatureStamper.Stamp(SamplePdfs.Valid(pageCount: 1), [new("Alice Martin", SignedAt, Box, png)]);
        var page = await RenderAsync(pdf);

        Assert.True(Count(page, p => p.Red > 200 && p.Green < 60 && p.Blue < 60, Box) > 50, "the red half should show");
        Assert.True(Count(page, p => p.Green > 120 && p.Red < 60 && p.Blue < 60, Box) > 50, "the green half should show");
        var images = await ImageListAsync(pdf);
        Assert.Contains(images, l => l.Contains(" image 600 200 rgb ", StringComparison.Ordinal));
        Assert.Contains(images, l => l.Contains(" smask 600 200 gray ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_form_prepared_at_signing_draws_exactly_what_the_png_draws_at_sealing()
    {
        var png = Drawing(1200, 400, (canvas, ink) =>
        {
            ink.Color = new SKColor(0x1a, 0x23, 0x7e);
            canvas.DrawLine(40, 100, 1160, 300, ink);
            canvas.DrawLine(40, 300, 1160, 100, ink);
        });
        var prepared = SignatureForm.Pdf(png, "Alice Martin", SignatureForm.PreparedCompression);
        var original = SamplePdfs.Valid(pageCount: 1);

        var fromPng = await RenderAsync(SignatureStamper.Stamp(original, [new("Alice Martin", SignedAt, Box, png)]));
        var stamped = SignatureStamper.Stamp(original, [new("Alice Martin", SignedAt, Box, png, PreparedForm: prepared)]);
        var fromForm = await RenderAsync(stamped);

        Assert.True(Count(fromForm, p => IsInk(p, 0x1a, 0x23, 0x7e), Box) > 200, "the prepared drawing should show in its box");
        Assert.Equal(fromPng.Bytes, fromForm.Bytes);
        Assert.Contains(await ImageListAsync(stamped), l => l.Contains(" smask 1200 400 gray ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_prepared_form_that_cannot_be_opened_is_made_again_from_the_png()
    {
        var png = Drawing(600, 200, (canvas, ink) =>
        {
            ink.Color = new SKColor(0x1a, 0x23, 0x7e);
            canvas.DrawLine(20, 100, 580, 100, ink);
        });
        var broken = "%PDF-1.7\nnot a form"u8.ToArray();

        var pdf = SignatureStamper.Stamp(SamplePdfs.Valid(pageCount: 1), [new("Alice Martin", SignedAt, Box, png, PreparedForm: broken)]);

        Assert.Contains(await ImageListAsync(pdf), l => l.Contains(" smask 600 200 gray ", StringComparison.Ordinal));
        Assert.True(Count(await RenderAsync(pdf), p => IsInk(p, 0x1a, 0x23, 0x7e), Box) > 200, "the stroke should show in its box");
    }

    [Fact]
    public void The_bounded_decoder_still_refuses_an_image_too_large_naming_the_signer()
    {
        var png = Drawing(4001, 10, (canvas, ink) => canvas.DrawLine(0, 5, 4000, 5, ink));

        var e = Assert.Throws<DomainException>(() =>
            SignatureStamper.Stamp(SamplePdfs.Valid(pageCount: 1), [new("Alice Martin", SignedAt, Box, png)]));
        Assert.Equal(ErrorCodes.InvalidSignatureImage, e.Code);
        Assert.Contains("Alice Martin", e.Message);
    }

    [Fact]
    public void A_truncated_png_is_refused_naming_the_signer()
    {
        var png = Drawing(600, 200, (canvas, ink) => canvas.DrawLine(20, 100, 580, 100, ink));

        var e = Assert.Throws<DomainException>(() =>
            SignatureStamper.Stamp(SamplePdfs.Valid(pageCount: 1), [new("Alice Martin", SignedAt, Box, png[..(png.Length / 2)])]));
        Assert.Equal(ErrorCodes.InvalidSignatureImage, e.Code);
        Assert.Contains("Alice Martin", e.Message);
    }

    private static byte[] Drawing(int width, int height, Action<SKCanvas, SKPaint> draw)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(SKColors.Transparent);
        using var ink = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 24, StrokeCap = SKStrokeCap.Round, Color = SKColors.Black };
        draw(surface.Canvas, ink);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Page 1 rendered by poppler at 72 dpi: one pixel a point.</summary>
    private async Task<SKBitmap> RenderAsync(byte[] pdf)
    {
        var path = Path.Combine(_directory, "stamped.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        await RunAsync("pdftoppm", "-r", "72", "-png", "-singlefile", "-f", "1", "-l", "1", path, Path.Combine(_directory, "page"));
        return SKBitmap.Decode(Path.Combine(_directory, "page.png"));
    }

    private async Task<List<string>> ImageListAsync(byte[] pdf)
    {
        var path = Path.Combine(_directory, "list.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        return (await RunAsync("pdfimages", "-list", path)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2)
            .Select(l => " " + string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)) + " ").ToList();
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start (install poppler-utils)");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} failed: {await process.StandardError.ReadToEndAsync()}");
        return output;
    }

    /// <summary>The pixel under a point in PDF coordinates (y up from the bottom of the page).</summary>
    private static SKColor Pixel(SKBitmap page, double x, double y) => page.GetPixel((int)x, page.Height - 1 - (int)y);

    private static int Count(SKBitmap page, Func<SKColor, bool> match, StampBox box)
    {
        var count = 0;
        for (var y = (int)box.Y; y < (int)(box.Y + box.Height); y++)
        for (var x = (int)box.X; x < (int)(box.X + box.Width); x++)
            if (match(Pixel(page, x, y))) count++;
        return count;
    }

    private static bool IsInk(SKColor p, byte r, byte g, byte b) =>
        Math.Abs(p.Red - r) < 24 && Math.Abs(p.Green - g) < 24 && Math.Abs(p.Blue - b) < 24;
}
