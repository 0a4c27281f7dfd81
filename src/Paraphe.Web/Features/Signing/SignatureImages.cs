using Paraphe.Domain;
using SkiaSharp;

namespace Paraphe.Web.Features.Signing;

/// <summary>
/// The one bounded decoder of drawn signatures (issue 9). When the signer signs, the PNG data URL is checked on its
/// bytes, then on the pixel dimensions its header declares (read before any pixel is decoded), then decoded in full
/// (a truncated or corrupt file fails), downscaled when larger than needed, and stored re-encoded as a fresh PNG.
/// The stamper decodes through <see cref="PixelsForStamp"/> with the same limits, so an image stored before these checks
/// cannot make sealing take gigabytes; it writes the pixels into the PDF itself (<see cref="Sealing.SignatureForm"/>), so
/// PDFsharp's managed PNG decoder never runs at sealing (issue 12).
/// </summary>
public static class SignatureImages
{
    public const string DataUrlPrefix = "data:image/png;base64,";

    /// <summary>Bytes of the PNG file (after base64).</summary>
    public const int MaxBytes = 512 * 1024;

    /// <summary>Each side, in pixels (a phone canvas at device pixel ratio 3 is about 1,200 × 600).</summary>
    public const int MaxSide = 4000;

    /// <summary>Width × height: 16 MB of pixels once decoded.</summary>
    public const long MaxPixels = 4_000_000;

    /// <summary>Larger images are stored downscaled to this longest side: a signature box is a few centimetres.</summary>
    public const int StoredMaxSide = 1600;

    /// <summary>
    /// Checks a drawn signature and returns it re-encoded as a fresh PNG data URL, or throws `422
    /// invalid_signature_image` naming `signature_image`. Null or blank: no drawing (null).
    /// </summary>
    public static string? Normalize(string? dataUrl)
    {
        if (string.IsNullOrWhiteSpace(dataUrl)) return null;
        if (!dataUrl.StartsWith(DataUrlPrefix, StringComparison.Ordinal))
            throw Invalid("La signature dessinée doit être une image PNG (data:image/png;base64,…).");
        // Base64 is 4 characters per 3 bytes: refuse a long string before decoding it.
        if ((long)(dataUrl.Length - DataUrlPrefix.Length) * 3 / 4 > MaxBytes + 3)
            throw Invalid(TooHeavy);
        byte[] bytes;
        try { bytes = Convert.FromBase64String(dataUrl[DataUrlPrefix.Length..]); }
        catch (FormatException) { throw Invalid("La signature dessinée n'est pas une image PNG lisible (base64 invalide)."); }
        if (bytes.Length > MaxBytes) throw Invalid(TooHeavy);
        return DataUrlPrefix + Convert.ToBase64String(Reencode(bytes));
    }

    /// <summary>The PNG bytes from a stored data URL, or null for anything else (typed signature).</summary>
    public static byte[]? Bytes(string? dataUrl)
    {
        if (dataUrl is null || !dataUrl.StartsWith(DataUrlPrefix, StringComparison.Ordinal)) return null;
        try { return Convert.FromBase64String(dataUrl[DataUrlPrefix.Length..]); }
        catch (FormatException) { return []; } // an unreadable stored drawing: the stamper refuses it, naming the signer
    }

    private const string TooHeavy = "L'image de signature est trop lourde (512 Ko au plus).";

    private static byte[] Reencode(byte[] bytes)
    {
        using var decoded = Decode(bytes, SKAlphaType.Premul);
        var (width, height) = (decoded.Width, decoded.Height);
        var scale = Math.Min(1.0, (double)StoredMaxSide / Math.Max(width, height));
        using var stored = scale < 1
            ? decoded.Resize(new SKImageInfo(Math.Max(1, (int)(width * scale)), Math.Max(1, (int)(height * scale)),
                SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKCubicResampler.Mitchell))
            : null;
        using var image = SKImage.FromBitmap(stored ?? decoded);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw Invalid("La signature dessinée n'a pas pu être enregistrée.");
        return png.ToArray();
    }

    /// <summary>
    /// The stamper's decode (issue 12): the same limits as at signing (bytes, then the header's dimensions before any
    /// pixel, then a complete decode), pixels RGBA with straight alpha, nothing re-encoded. A refusal names the signer.
    /// </summary>
    public static SKBitmap PixelsForStamp(byte[] png, string signerName)
    {
        try
        {
            if (png.Length > MaxBytes) throw Invalid(TooHeavy);
            return Decode(png, SKAlphaType.Unpremul);
        }
        catch (DomainException e)
        {
            throw new DomainException(ErrorCodes.InvalidSignatureImage,
                $"La signature dessinée de {signerName} ne peut pas être apposée : {Lower(e.Message)}", e.Errors);
        }
    }

    /// <summary>Checks the header's dimensions before decoding any pixel, then decodes the whole image (SkiaSharp).</summary>
    private static SKBitmap Decode(byte[] bytes, SKAlphaType alphaType)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.EncodedFormat != SKEncodedImageFormat.Png)
            throw Invalid("La signature dessinée n'est pas une image PNG lisible.");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || width > MaxSide || height > MaxSide || (long)width * height > MaxPixels)
            throw Invalid($"L'image de signature est trop grande ({width} × {height} pixels ; {MaxSide} pixels de côté " +
                          $"et {MaxPixels / 1_000_000} mégapixels au plus).");

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, alphaType);
        var decoded = new SKBitmap(info);
        if (codec.GetPixels(info, decoded.GetPixels()) != SKCodecResult.Success)
        {
            decoded.Dispose();
            throw Invalid("La signature dessinée n'est pas une image PNG complète et valide.");
        }
        return decoded;
    }

    private static DomainException Invalid(string message) =>
        new(ErrorCodes.InvalidSignatureImage, message, new Dictionary<string, string[]> { ["signature_image"] = [message] });

    private static string Lower(string s) => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..];
}
