using MimeKit;

namespace Paraphe.Web.Features.Notifications.Email;

/// <summary>One recipient's fields of an RFC 3464 delivery status notification.</summary>
public sealed record DsnRecipient(string? FinalRecipient, string? Action, string Status, string? DiagnosticCode)
{
    /// <summary>2, 4 or 5: the class of the status code.</summary>
    public char Class => Status[0];

    public string Detail => $"DSN {Status}" + (Action is null ? "" : $" ({Action})")
                            + (DiagnosticCode is null ? "" : $" : {DiagnosticCode}");
}

/// <summary>
/// The parts of a `multipart/report; report-type=delivery-status` message that Paraphe uses: per-recipient status
/// (`5.1.1`), action and diagnostic text, and the Message-ID of the original message (from its returned headers).
/// </summary>
public sealed record DsnReport(IReadOnlyList<DsnRecipient> Recipients, string? OriginalMessageId)
{
    /// <summary>The report in <paramref name="message"/>, or null when it is not a DSN (or has no usable status).</summary>
    public static DsnReport? Parse(MimeMessage message)
    {
        var report = FindReport(message.Body);
        if (report is null) return null;
        var status = report.OfType<MessageDeliveryStatus>().FirstOrDefault();
        if (status is null) return null;

        var recipients = new List<DsnRecipient>();
        // The first group holds the per-message fields; each further group is one recipient.
        foreach (var group in status.StatusGroups.Skip(1))
        {
            var code = SmtpStatus.Find(group["Status"]);
            if (code is null) continue;
            recipients.Add(new DsnRecipient(AfterType(group["Final-Recipient"]), group["Action"]?.Trim().ToLowerInvariant(),
                code, AfterType(group["Diagnostic-Code"])));
        }
        if (recipients.Count == 0) return null;

        var original = report.OfType<MessagePart>().Select(p => p.Message?.MessageId).FirstOrDefault(id => id is not null);
        return new DsnReport(recipients, original);
    }

    private static MultipartReport? FindReport(MimeEntity? entity) => entity switch
    {
        MultipartReport r when string.Equals(r.ReportType, "delivery-status", StringComparison.OrdinalIgnoreCase) => r,
        Multipart m => m.Select(FindReport).FirstOrDefault(r => r is not null),
        _ => null,
    };

    /// <summary>`rfc822; x@y` → `x@y`; `smtp; 550 5.1.1 …` → `550 5.1.1 …` (unfolded).</summary>
    private static string? AfterType(string? field)
    {
        if (string.IsNullOrWhiteSpace(field)) return null;
        var text = string.Join(' ', field.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));
        var semi = text.IndexOf(';');
        return (semi >= 0 ? text[(semi + 1)..] : text).Trim();
    }
}
