using System.Globalization;
using System.Net;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Notifications;

/// <summary>The French texts of every message. SMS stay short: agency, purpose, link.</summary>
public static class MessageComposer
{
    private static readonly CultureInfo Fr = CultureInfo.GetCultureInfo("fr-FR");

    public sealed record Content(string? Subject, string Text, string? Html);

    public static Content Compose(Notification n, Agency agency, Procedure procedure, Signer? signer, string? link)
    {
        var name = signer?.FirstName is { Length: > 0 } first ? first : signer?.DisplayName ?? "";
        var expires = procedure.ExpiresAt?.ToString("d MMMM yyyy", Fr);
        return (n.Purpose, n.Channel) switch
        {
            (Purpose.Invitation, Channel.Email) => Email(
                $"{agency.Name} vous invite à signer « {procedure.Title} »",
                $"Bonjour {name},",
                $"{agency.Name} vous invite à signer électroniquement le document « {procedure.Title} ».",
                "Lire et signer le document", link,
                expires is null ? null : $"Ce lien personnel est valable jusqu'au {expires}. Ne le transférez pas."),
            (Purpose.Reminder, Channel.Email) => Email(
                $"Rappel : « {procedure.Title} » attend votre signature",
                $"Bonjour {name},",
                $"{agency.Name} vous rappelle que le document « {procedure.Title} » attend votre signature.",
                "Lire et signer le document", link,
                expires is null ? null : $"Ce lien personnel est valable jusqu'au {expires}."),
            (Purpose.Cancellation, Channel.Email) => Email(
                $"Signature annulée : « {procedure.Title} »",
                $"Bonjour {name},",
                $"{agency.Name} a annulé la demande de signature du document « {procedure.Title} ». Le lien reçu ne fonctionne plus.",
                null, null, "Si une nouvelle demande vous est envoyée, utilisez le nouveau lien."),
            (Purpose.Invitation, Channel.Sms) => Sms($"{agency.Name} : document « {Short(procedure.Title)} » à signer : {link}"),
            (Purpose.Reminder, Channel.Sms) => Sms($"{agency.Name} : rappel, « {Short(procedure.Title)} » attend votre signature : {link}"),
            (Purpose.Cancellation, Channel.Sms) => Sms($"{agency.Name} : la signature de « {Short(procedure.Title)} » est annulée. L'ancien lien ne fonctionne plus."),
            (_, Channel.Email) => Email($"{agency.Name} : « {procedure.Title} »", $"Bonjour {name},",
                $"Message de {agency.Name} au sujet de « {procedure.Title} ».", link is null ? null : "Ouvrir", link, null),
            (_, Channel.Sms) => Sms($"{agency.Name} : « {Short(procedure.Title)} » {link}".Trim()),
        };
    }

    private static string Short(string title) => title.Length <= 40 ? title : title[..39] + "…";

    private static Content Sms(string text) => new(null, text, null);

    private static Content Email(string subject, string greeting, string lead, string? button, string? link, string? footer)
    {
        var text = string.Join("\n\n", new[] { greeting, lead, link is null ? null : $"{button} : {link}", footer, "— Envoyé avec Paraphe" }
            .Where(s => s is not null));
        string E(string s) => WebUtility.HtmlEncode(s);
        var html = $"""
            <!doctype html><html lang="fr"><body style="font-family:Arial,sans-serif;color:#1f2933;max-width:560px;margin:auto">
            <p>{E(greeting)}</p><p>{E(lead)}</p>
            {(link is null ? "" : $"<p><a href=\"{E(link)}\" style=\"display:inline-block;background:#1d4ed8;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none\">{E(button!)}</a></p><p style=\"font-size:12px;color:#52606d\">{E(link)}</p>")}
            {(footer is null ? "" : $"<p style=\"font-size:13px;color:#52606d\">{E(footer)}</p>")}
            <p style="font-size:12px;color:#9aa5b1">Envoyé avec Paraphe</p></body></html>
            """;
        return new Content(subject, text, html);
    }
}
