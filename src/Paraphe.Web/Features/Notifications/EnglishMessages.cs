using System.Globalization;
using Paraphe.Domain.Notifications;
using static Paraphe.Web.Features.Notifications.MessageComposer;

namespace Paraphe.Web.Features.Notifications;

/// <summary>The English texts, for contacts whose language is English.</summary>
internal static class EnglishMessages
{
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en-GB");
    private static readonly EmailWords Words = new("en", ": ", "Sent with Paraphe");

    public static Content Compose(Purpose purpose, Channel channel, Facts f)
    {
        var (agency, title, link) = (f.Agency, f.Title, f.Link);
        var expires = f.ExpiresAt?.ToString("d MMMM yyyy", En);
        var hello = $"Hello {f.Name},".Replace(" ,", ",", StringComparison.Ordinal);
        var contact = (f.Agent is { } a
            ? $"Your contact at the agency: {a.Name}{(a.MobileDisplay is { } m ? $", {m}" : "")} ({agency})."
            : $"Your contact: {agency}.")
            + (f.AgencyIdentity is { } identity ? $"\n{agency} · {identity}" : "");
        return (purpose, channel) switch
        {
            (Purpose.Invitation, Channel.Email) => EmailMessage(Words,
                $"{agency} invites you to sign “{title}”{(f.Replacement ? " (new request)" : "")}", hello,
                $"{agency} invites you to sign the document “{title}” electronically." + (f.Replacement
                    ? " This request replaces the previous one: the old link no longer works. If you had already signed, please sign again with this link."
                    : ""),
                "Read and sign the document", link,
                expires is null ? null : $"This personal link is valid until {expires}. Please do not forward it.",
                $"A message from {f.Agent?.Name ?? agency}:", f.Message, contact),
            (Purpose.Reminder, Channel.Email) => EmailMessage(Words,
                $"Reminder: “{title}” is awaiting your signature", hello,
                $"{agency} reminds you that the document “{title}” is awaiting your signature.",
                "Read and sign the document", link,
                expires is null ? null : $"This personal link is valid until {expires}.", contact: contact),
            (Purpose.Cancellation, Channel.Email) => EmailMessage(Words,
                $"Signing cancelled: “{title}”", hello,
                $"{agency} has cancelled the request to sign the document “{title}”. The link you received no longer works.",
                null, null, "If a new request is sent to you, please use the new link."),
            (Purpose.Completion, Channel.Email) => EmailMessage(Words,
                $"Signed document: “{title}”", hello,
                $"Everyone has signed “{title}”. The signed document, with its certificate of evidence, is ready. Document sealed by Paraphe on behalf of the agency {agency}.",
                "Download the signed document", link,
                expires is null ? null : $"This download link is valid until {expires}. Please keep the document: it is your copy."),
            (_, Channel.Email) => EmailMessage(Words, $"{agency}: “{title}”", hello,
                $"A message from {agency} about “{title}”.", link is null ? null : "Open", link, null),
            (Purpose.Otp, Channel.Sms) => SmsText($"{agency}: your Paraphe signing code is {f.Code}. It expires in 10 minutes."),
            (Purpose.Invitation, Channel.Sms) => SmsWithContact(title, f.Agent, f.Replacement
                ? (t, c) => $"{agency}: please sign \"{t}\", this link replaces the previous one {link}{c}"
                : (t, c) => $"{agency}: please sign \"{t}\" {link}{c}"),
            (Purpose.Reminder, Channel.Sms) => SmsWithContact(title, f.Agent, (t, c) => $"Reminder {agency}: sign \"{t}\" {link}{c}"),
            (Purpose.Cancellation, Channel.Sms) => SmsMessage(title,
                t => $"{agency}: signing of \"{t}\" is cancelled. The old link no longer works."),
            (_, Channel.Sms) => SmsMessage(title, t => $"{agency}: \"{t}\" {link}".TrimEnd()),
        };
    }
}
