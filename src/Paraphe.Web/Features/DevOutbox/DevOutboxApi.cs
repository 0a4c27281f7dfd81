using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;
using Paraphe.Domain;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Features.DevOutbox;

/// <param name="SmsSegments">SMS only: how many SMS the text costs, computed from the stored text.</param>
/// <param name="SmsEncoding">SMS only: "gsm7" (160 characters per SMS) or "ucs2" (70: a character outside GSM-7).</param>
/// <param name="Attachments">Email only: the attached files (name and size), never their bytes.</param>
public sealed record OutboxMessage(string Id, string NotificationId, string Channel, string To, string? Subject, string Body,
    IReadOnlyList<string> Links, DateTime At, int? SmsSegments, SmsEncoding? SmsEncoding, IReadOnlyList<OutboxAttachment> Attachments)
{
    /// <summary>« 1 segment (GSM-7) » for the page.</summary>
    [JsonIgnore]
    public string? SmsLabel => SmsSegments is { } n && SmsEncoding is { } e ? new SmsSegmentCount(e, 0, n).Label : null;
}

public sealed record OutboxAttachment(string Name, long Size);

/// <summary>What the capture provider kept, newest first: exactly what clients would have received.</summary>
public static partial class DevOutboxApi
{
    public static RouteGroupBuilder MapDevOutboxApi(this RouteGroupBuilder api)
    {
        api.MapGet("/dev/outbox", async Task<Ok<List<OutboxMessage>>> (string? to, int? limit, ParapheDbContext db, SenderRegistry senders, CancellationToken ct) =>
        {
            EnsureEnabled(senders);
            return TypedResults.Ok(await ListAsync(db, to, limit ?? 100, ct));
        }).WithTags("Dev outbox");
        api.MapSimulateDeliveryApi();
        return api;
    }

    /// <summary>The dev outbox exists only while a channel uses the capture provider.</summary>
    public static void EnsureEnabled(SenderRegistry senders)
    {
        if (!senders.IsCapture(Channel.Email) && !senders.IsCapture(Channel.Sms))
            throw new DomainException(ErrorCodes.NotFound, "La boîte d'envoi de développement n'existe qu'avec le fournisseur « capture ».");
    }

    public static async Task<List<OutboxMessage>> ListAsync(ParapheDbContext db, string? to, int limit, CancellationToken ct)
    {
        IQueryable<CapturedMessage> query = db.CapturedMessages.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(to)) query = query.Where(m => m.To == to);
        var messages = await query.OrderByDescending(m => m.At).ThenByDescending(m => m.Id).Take(Math.Clamp(limit, 1, 500)).ToListAsync(ct);
        return messages.Select(m =>
        {
            var sms = m.Channel == "sms" ? SmsSegments.Count(m.Body) : null;
            return new OutboxMessage(m.Id, m.NotificationId, m.Channel, m.To, m.Subject, m.Body,
                LinkPattern().Matches(m.Body).Select(x => x.Value).Distinct().ToList(), m.At, sms?.Segments, sms?.Encoding,
                AttachmentsOf(m.Attachments));
        }).ToList();
    }

    /// <summary>« name (size) » lines, as the capture provider wrote them.</summary>
    private static List<OutboxAttachment> AttachmentsOf(string? stored) =>
        (stored ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var open = line.LastIndexOf(" (", StringComparison.Ordinal);
            return open > 0 && long.TryParse(line[(open + 2)..^1], out var size)
                ? new OutboxAttachment(line[..open], size)
                : new OutboxAttachment(line, 0);
        }).ToList();

    [GeneratedRegex(@"https?://[^\s""'<>]+")]
    private static partial Regex LinkPattern();
}
