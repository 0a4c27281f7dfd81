using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Paraphe.Web.Platform;

namespace Paraphe.Web.Features.Notifications.Callbacks;

/// <summary>
/// The body of a provider's callback, read with a cap before anything else is done with it: a callback is anonymous
/// until its signature or secret is checked, so nobody can make Paraphe read (or parse) megabytes for free. Twilio's
/// status callbacks are a few hundred bytes of form (64 KB allowed); Brevo's batched webhooks send up to a few hundred
/// events (1 MB allowed). Larger: `413 request_too_large`, nothing read beyond the cap.
/// </summary>
public static class CallbackBody
{
    public const int TwilioLimit = 64 * 1024;
    public const int BrevoLimit = 1024 * 1024;

    /// <summary>The whole body, or null when it is larger than <paramref name="limit"/> (told by Content-Length or while reading).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        if (request.ContentLength > limit) return null;
        // Sized from Content-Length when it is told (a Twilio callback: a few hundred bytes), and a pooled read buffer:
        // a callback allocates its body once, not a 16 KB chunk and a growing stream besides.
        using var buffer = new MemoryStream(request.ContentLength is > 0 and var told ? (int)told : 1024);
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk.AsMemory(0, 16 * 1024), ct)) > 0)
            {
                if (buffer.Length + read > limit) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    public static ProblemHttpResult TooLarge(int limit) => Problems.Of(RequestLimits.RequestTooLarge,
        $"Le corps de ce rappel dépasse {limit / 1024} Ko.", status: StatusCodes.Status413PayloadTooLarge);

    /// <summary>
    /// An `application/x-www-form-urlencoded` body, with bounded keys, values and count; null when it breaks a bound.
    /// Another content type gives no fields (a signature over no fields then fails).
    /// </summary>
    /// <remarks>The body is already in memory (read with its cap): the parser runs synchronously (issue 12, fourth round).</remarks>
    public static Dictionary<string, StringValues>? Form(HttpRequest request, byte[] body)
    {
        if (!request.HasFormContentType || request.ContentType?.Contains("multipart", StringComparison.OrdinalIgnoreCase) == true)
            return [];
        try
        {
            using var reader = new FormReader(new MemoryStream(body, writable: false), Encoding.UTF8)
            {
                ValueCountLimit = 200, KeyLengthLimit = 200, ValueLengthLimit = TwilioLimit,
            };
            return reader.ReadForm();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>
    /// A JSON string or number as text; null for anything else and for a string that is no text (an escaped lone
    /// surrogate such as "\ud800", which <see cref="System.Text.Json.JsonElement.GetString"/> refuses to decode).
    /// </summary>
    public static string? Text(System.Text.Json.JsonElement v)
    {
        try
        {
            return v.ValueKind switch
            {
                System.Text.Json.JsonValueKind.String => v.GetString(),
                System.Text.Json.JsonValueKind.Number => v.GetRawText(),
                _ => null,
            };
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A provider's time in Unix seconds or milliseconds, or default (the time it arrives) when it is absurd.</summary>
    public static DateTime FromUnix(long value, bool milliseconds)
    {
        var max = (milliseconds ? 1000L : 1L) * 4102444800L; // 2100-01-01
        var min = (milliseconds ? 1000L : 1L) * 946684800L; // 2000-01-01
        if (value < min || value > max) return default;
        return milliseconds ? DateTime.UnixEpoch.AddMilliseconds(value) : DateTime.UnixEpoch.AddSeconds(value);
    }
}
