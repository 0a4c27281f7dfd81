using System.Globalization;
using Paraphe.Domain.Notifications;
using static Paraphe.Web.Features.Notifications.MessageComposer;

namespace Paraphe.Web.Features.Notifications;

/// <summary>The French texts. SMS templates are written in GSM-7 ("…" and ' rather than « » and ’).</summary>
internal static class FrenchMessages
{
    private static readonly CultureInfo Fr = CultureInfo.GetCultureInfo("fr-FR");
    private static readonly EmailWords Words = new("fr", " : ", "Envoyé avec Paraphe");

    public static Content Compose(Purpose purpose, Channel channel, Facts f)
    {
        var (agency, title, link) = (f.Agency, f.Title, f.Link);
        var expires = f.ExpiresAt?.ToString("d MMMM yyyy", Fr);
        var hello = $"Bonjour {f.Name},".Replace(" ,", ",", StringComparison.Ordinal);
        var contact = (f.Agent is { } a
            ? $"Votre contact à l'agence : {a.Name}{(a.MobileDisplay is { } m ? $", {m}" : "")} ({agency})."
            : $"Votre contact : {agency}.")
            + (f.AgencyIdentity is { } identity ? $"\n{agency} · {identity}" : "");
        var sealedFor = $"Document scellé par Paraphe pour le compte de {TheAgency(agency)}.";
        return (purpose, channel) switch
        {
            (Purpose.Invitation, Channel.Email) => EmailMessage(Words,
                $"{agency} vous invite à signer « {title} »{(f.Replacement ? " (nouvelle demande)" : "")}", hello,
                $"{agency} vous invite à signer électroniquement le document « {title} »." + (f.Replacement
                    ? " Cette demande remplace la précédente : l'ancien lien ne fonctionne plus. Si vous aviez déjà signé, signez à nouveau avec ce lien."
                    : ""),
                "Lire et signer le document", link,
                expires is null ? null : $"Ce lien personnel est valable jusqu'au {expires}. Ne le transférez pas.",
                $"Message {(f.Agent is { } author ? Paraphe.Domain.FrenchWords.De(author.Name) : "de " + TheAgency(agency))} :", f.Message, contact),
            (Purpose.Reminder, Channel.Email) => EmailMessage(Words,
                $"Rappel : « {title} » attend votre signature", hello,
                $"{agency} vous rappelle que le document « {title} » attend votre signature.",
                "Lire et signer le document", link,
                expires is null ? null : $"Ce lien personnel est valable jusqu'au {expires}.", contact: contact),
            (Purpose.Cancellation, Channel.Email) => EmailMessage(Words,
                $"Signature annulée : « {title} »", hello,
                $"{agency} a annulé la demande de signature du document « {title} ». Le lien reçu ne fonctionne plus.",
                null, null, "Si une nouvelle demande vous est envoyée, utilisez le nouveau lien."),
            (Purpose.Completion, Channel.Email) => EmailMessage(Words,
                $"Document signé : « {title} »", hello,
                $"Tous les signataires ont signé « {title} ». Le document signé, avec son certificat de preuve, est prêt. {sealedFor}",
                "Télécharger le document signé", link,
                expires is null ? null : $"Ce lien de téléchargement est valable jusqu'au {expires}. Conservez le document : c'est votre exemplaire."),
            (Purpose.Notary, Channel.Email) => EmailMessage(Words,
                $"{agency} vous transmet « {title} », signé", "Maître,",
                $"{agency} vous transmet le document « {title} », signé électroniquement par toutes les parties et scellé par Paraphe, avec son certificat de preuve.",
                "Télécharger le document signé", link,
                expires is null ? null : $"Ce lien sécurisé est valable jusqu'au {expires}. Le document est au format PDF ; sa signature se vérifie dans tout lecteur PDF."),
            (_, Channel.Email) => EmailMessage(Words, $"{agency} : « {title} »", hello,
                $"Message de {agency} au sujet de « {title} ».", link is null ? null : "Ouvrir", link, null),
            (Purpose.Otp, Channel.Sms) => SmsText($"{agency} : votre code de signature Paraphe est {f.Code}. Il expire dans 10 minutes."),
            (Purpose.Invitation, Channel.Sms) => SmsWithContact(title, f.Agent, f.Replacement
                ? (t, c) => $"{agency} : \"{t}\" à signer, ce lien remplace le précédent {link}{c}"
                : (t, c) => $"{agency} : \"{t}\" à signer {link}{c}"),
            (Purpose.Reminder, Channel.Sms) => SmsWithContact(title, f.Agent, (t, c) => $"Rappel {agency} : \"{t}\" à signer {link}{c}"),
            (Purpose.Cancellation, Channel.Sms) => SmsMessage(title,
                t => $"{agency} : la signature de \"{t}\" est annulée. L'ancien lien ne fonctionne plus."),
            (_, Channel.Sms) => SmsMessage(title, t => $"{agency} : \"{t}\" {link}".TrimEnd()),
        };
    }

    /// <summary>« l'agence Dupont », or « l'Agence du Port » when the name already says it.</summary>
    internal static string TheAgency(string name) =>
        name.StartsWith("agence ", StringComparison.OrdinalIgnoreCase) ? $"l'{name}" : $"l'agence {name}";
}
