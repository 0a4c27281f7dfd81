using Paraphe.Web.Features.Signing;
using SkiaSharp;

namespace Paraphe.Bench.Sealing;

/// <summary>
/// A signature as the signing page sends it from a phone (issue 12): `sign.js` crops the drawing to its ink and
/// exports it at 2× the CSS size, antialiased round-capped strokes in dark blue on a transparent background — for a
/// signature pad about 600 × 200 CSS pixels wide, a 1,200 × 400 PNG — then stored as <see cref="SignatureImages.Normalize"/>
/// re-encodes it (what the stamper reads back).
/// </summary>
public static class PhoneSignature
{
    public const int Width = 1200, Height = 400;

    /// <summary>The stored PNG (after the checks of signing) of drawing <paramref name="variant"/>.</summary>
    public static byte[] Stored(int variant)
    {
        var sent = Drawn(variant);
        var stored = SignatureImages.Normalize(SignatureImages.DataUrlPrefix + Convert.ToBase64String(sent))!;
        return SignatureImages.Bytes(stored)!;
    }

    /// <summary>The PNG the browser sends: strokes of 2.5 CSS px at scale 2, loops and a flourish, seeded by the variant.</summary>
    public static byte[] Drawn(int variant)
    {
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.Transparent);
        using var ink = new SKPaint
        {
            Color = new SKColor(0x1a, 0x23, 0x7e), IsAntialias = true, Style = SKPaintStyle.Stroke,
            StrokeWidth = 5, StrokeCap = SKStrokeCap.Round, StrokeJoin = SKStrokeJoin.Round,
        };
        var loops = 5 + variant;
        var (px, py) = (60f, 200f);
        for (var t = 0.002; t <= 1.0; t += 0.002)
        {
            // Loops travelling right, shrinking, then rising: a pointer's samples joined by short segments, as sign.js does.
            var x = (float)(60 + 960 * t + 55 * Math.Cos(2 * Math.PI * loops * t));
            var y = (float)(200 + 110 * Math.Sin(2 * Math.PI * loops * t) * (1 - 0.5 * t) - 80 * t * t);
            canvas.DrawLine(px, py, x, y, ink);
            (px, py) = (x, y);
        }
        (px, py) = (140f, 340f);
        for (var t = 0.01; t <= 1.0; t += 0.01)
        {
            // The flourish: a cubic Bézier from (140, 340) to (1120, 310).
            var u = 1 - t;
            var x = (float)(u * u * u * 140 + 3 * u * u * t * 400 + 3 * u * t * t * 800 + t * t * t * 1120);
            var y = (float)(u * u * u * 340 + 3 * u * u * t * (300 + 20 * variant) + 3 * u * t * t * 390 + t * t * t * 310);
            canvas.DrawLine(px, py, x, y, ink);
            (px, py) = (x, y);
        }
        canvas.DrawCircle(1150, 150, 4, ink); // the dot of an i
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
