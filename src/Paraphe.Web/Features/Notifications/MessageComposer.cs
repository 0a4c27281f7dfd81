using System.Net;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Contacts;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Notifications;

/// <summary>
/// The texts of every message, in the signer's language (French unless the contact says English). SMS stay short
/// and cheap: agency, purpose, link, in the GSM-7 alphabet so that one SMS holds 160 characters and not 70.
/// </summary>
public static class MessageComposer
{
    /// <summary>A title is never longer than this in an SMS…</summary>
    public const int SmsTitleMax = 40;

    /// <summary>…and is shortened down to this when that keeps the SMS in one segment (a long agency name, a long link).</summary>
    public const int SmsTitleMin = 20;

    public sealed record Content(string? Subject, string Text, string? Html);

    /// <summary>What a message says, whatever its language. <paramref name="Name"/> is the signer's first name.</summary>
    /// <param name="Code">The 6-digit signing code of an OTP SMS, derived at send time.</param>
    /// <param name="Agent">Who the signer can call: the procedure's agent, else (null) the agency.</param>
    /// <param name="Message">The agent's personal message (invitation email only).</param>
    /// <param name="Replacement">The procedure replaces a cancelled, declined or expired one (a relaunch): its invitation says so.</param>
    /// <param name="AgencyIdentity">The agency's address and carte professionnelle (« Paramètres de l'agence »), printed under the contact.</param>
    internal sealed record Facts(string Agency, string Title, string Name, DateTime? ExpiresAt, string? Link, string? Code = null,
        AgentContact? Agent = null, string? Message = null, bool Replacement = false, string? AgencyIdentity = null);

    /// <summary>« 12 quai de la Fosse, 44000 Nantes · Carte professionnelle CPI 4401… », or null when neither is set.</summary>
    internal static string? IdentityOf(Agency agency)
    {
        var parts = new[] { agency.Address, agency.ProfessionalCard is { Length: > 0 } card ? $"Carte professionnelle {card}" : null }
            .Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
        return parts.Count == 0 ? null : string.Join(" · ", parts);
    }

    /// <summary>The procedure's agent as the invitations name them: « Marie Durand », « 06 12 34 56 78 ».</summary>
    public sealed record AgentContact(string Name, string? Mobile)
    {
        public static AgentContact? Of(User? user) => user is null ? null : new(user.DisplayName, string.IsNullOrWhiteSpace(user.Mobile) ? null : user.Mobile);

        /// <summary>The one phone format of Paraphe: French national for France (06 12 34 56 78), international otherwise.</summary>
        public string? MobileDisplay => Mobile is null ? null : Domain.Contacts.PhoneDisplay.Format(Mobile);

        /// <summary>Without spaces, for an SMS.</summary>
        public string? MobileCompact => MobileDisplay?.Replace(" ", "", StringComparison.Ordinal);
    }

    public static Content Compose(Notification n, Agency agency, Procedure procedure, Signer? signer, string? link, string? code = null,
        User? agent = null)
    {
        var name = signer?.FirstName is { Length: > 0 } first ? first : signer?.DisplayName ?? "";
        // A download link expires on its own date; a signing link with the procedure.
        var expires = Completion.DownloadLinks.CarriesDownload(n.Purpose) ? Completion.DownloadLinks.ExpiresAt(n) : procedure.ExpiresAt;
        var facts = new Facts(agency.Name, procedure.Title, name, expires, link, code, AgentContact.Of(agent), procedure.Message,
            Replacement: procedure.Replaces is not null, AgencyIdentity: IdentityOf(agency));
        return (signer?.Language ?? Language.Fr) switch
        {
            Language.Fr => FrenchMessages.Compose(n.Purpose, n.Channel, facts),
            Language.En => EnglishMessages.Compose(n.Purpose, n.Channel, facts),
        };
    }

    /// <summary>
    /// An SMS from a template that places the title between straight quotes: transliterated to GSM-7 (« » → ", ê → e…),
    /// the title cut to <see cref="SmsTitleMax"/> characters, then shorter — not under <see cref="SmsTitleMin"/> — while
    /// the SMS would otherwise take more than one segment.
    /// </summary>
    internal static Content SmsMessage(string title, Func<string, string> template)
    {
        var text = SmsFitting(title, template);
        return new Content(null, text, null);
    }

    /// <summary>
    /// An invitation SMS that names the agent: the title is shortened first; if one segment still cannot hold it, the
    /// agent's name goes (the phone stays), then the whole contact (the email carries both).
    /// </summary>
    internal static Content SmsWithContact(string title, AgentContact? agent, Func<string, string, string> template)
    {
        var suffixes = agent?.MobileCompact is { } phone
            ? new[] { $" Contact : {agent.Name} {phone}", $" Contact : {phone}", "" }
            : agent is not null ? [$" Contact : {agent.Name}", ""] : [""];
        string text = "";
        foreach (var suffix in suffixes)
        {
            var cleaned = Gsm7.Transliterate(suffix);
            text = SmsFitting(title, t => template(t, cleaned));
            if (SmsSegments.Count(text).Segments == 1) break;
        }
        return new Content(null, text, null);
    }

    private static string SmsFitting(string title, Func<string, string> template)
    {
        title = Gsm7.Transliterate(title.Trim()).Replace('"', '\''); // quotes inside the quoted title
        var text = Gsm7.Transliterate(template(Shorten(title, SmsTitleMax)));
        for (var max = Math.Min(title.Length, SmsTitleMax) - 1; max >= SmsTitleMin && SmsSegments.Count(text).Segments > 1; max--)
            text = Gsm7.Transliterate(template(Shorten(title, max)));
        return text;
    }

    /// <summary>An SMS with no title to cut (the signing code): the agency's name transliterated to GSM-7.</summary>
    internal static Content SmsText(string text) => new(null, Gsm7.Transliterate(text), null);

    private static readonly char[] WordEnds = [' ', '-'];

    /// <summary>
    /// At most <paramref name="max"/> characters, ending with "..." (the ellipsis character is not GSM-7); cut after a
    /// whole word when one ends in the last ten characters ("Compromis de vent..." reads as wind).
    /// </summary>
    internal static string Shorten(string title, int max)
    {
        if (title.Length <= max) return title;
        var cut = title[..(max - 3)];
        var end = cut.LastIndexOfAny(WordEnds);
        if (!WordEnds.Contains(title[cut.Length]) && end > 0 && end >= cut.Length - 10) cut = cut[..end];
        return cut.TrimEnd(' ', '-', ',', ';', ':') + "...";
    }

    /// <param name="Colon">" : " in French typography, ": " in English.</param>
    internal sealed record EmailWords(string HtmlLang, string Colon, string SentWith);

    /// <param name="quote">The agent's personal message, introduced by <paramref name="quoteIntro"/> and quoted (escaped).</param>
    /// <param name="contact">Who to call (the agent's name and phone).</param>
    internal static Content EmailMessage(EmailWords words, string subject, string greeting, string lead, string? button, string? link,
        string? footer, string? quoteIntro = null, string? quote = null, string? contact = null)
    {
        var quoted = quote is null ? null : $"{quoteIntro}\n" + string.Join("\n", quote.Split('\n').Select(l => "> " + l.TrimEnd('\r')));
        var text = string.Join("\n\n", new[] { greeting, lead, quoted, link is null ? null : $"{button}{words.Colon}{link}", footer, contact, $"— {words.SentWith}" }
            .Where(s => s is not null));
        string E(string s) => WebUtility.HtmlEncode(s);
        var quoteHtml = quote is null ? "" : $"<p>{E(quoteIntro ?? "")}</p><blockquote style=\"border-left:3px solid #9aa5b1;margin:0 0 16px;padding:4px 12px;color:#323f4b\">"
            + string.Join("<br>", quote.Split('\n').Select(l => E(l.TrimEnd('\r')))) + "</blockquote>";
        var contactHtml = contact is null ? "" : $"<p style=\"font-size:13px\">{E(contact)}</p>";
        var html = $"""
            <!doctype html><html lang="{words.HtmlLang}"><body style="font-family:Arial,sans-serif;color:#1f2933;max-width:560px;margin:auto">
            <p>{E(greeting)}</p><p>{E(lead)}</p>{quoteHtml}
            {(link is null ? "" : $"<p><a href=\"{E(link)}\" style=\"display:inline-block;background:#1d4ed8;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none\">{E(button!)}</a></p><p style=\"font-size:12px;color:#52606d\">{E(link)}</p>")}
            {(footer is null ? "" : $"<p style=\"font-size:13px;color:#52606d\">{E(footer)}</p>")}{contactHtml}
            <p style="font-size:12px;color:#9aa5b1">{E(words.SentWith)}</p></body></html>
            """;
        return new Content(subject, text, html);
    }
}
