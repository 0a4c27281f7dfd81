using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Diagnosis;

/// <summary>The SMS side of the diagnosis: failures, overseas numbers.</summary>
public static partial class SignerDiagnosis
{
    private static IEnumerable<Finding> SmsFindings(Context c, List<IMessageFacts> messages)
    {
        var region = c.MobileCheck.Region;
        var overseas = region is not null && region != MainlandFrance;
        if (c.Health.SmsBad is { } bad)
        {
            if (SmsFailure(c, bad, overseas, region) is { } known) yield return known;
            yield break;
        }
        if (messages.Count == 0 || messages.Any(n => n.Status == DeliveryStatus.Delivered)) yield break;
        var n = messages[^1];
        switch (n.Status)
        {
            case DeliveryStatus.Queued or DeliveryStatus.Sending:
                if (c.Waiting && !c.OurSideIsDown) yield return InTransit(n, c.Now);
                break;
            case DeliveryStatus.Deferred when n.FailureKind == DeliveryFailure.ProviderError:
                if (c.Waiting && !c.OurSideIsDown) yield return InTransit(n, c.Now);
                break;
            case DeliveryStatus.Sent or DeliveryStatus.Deferred:
                if (!c.Waiting) break;
                var since = FirstAt(n, DeliveryStatus.Sent, DeliveryStatus.Deferred);
                if (overseas && c.Now.AtLeast(since, OverseasSmsOverdueAfter))
                {
                    yield return new Finding(DiagnosisCodes.SmsUndeliveredOverseas, Severity.Warning,
                        $"Le SMS au {n.To} ({Place(region!)}) n'est toujours pas remis après {c.Now.Ago(since)} : " +
                        "les opérateurs hors de France métropolitaine perdent parfois nos SMS.",
                        "Comptez sur l'email, qui porte le même lien ; au besoin, prévenez le client par téléphone.");
                }
                else
                {
                    yield return InTransit(n, c.Now);
                }
                break;
            case DeliveryStatus.Failed:
                if (SmsFailure(c, n, overseas, region) is { } failure) yield return failure;
                break;
            case DeliveryStatus.Delivered:
                break; // handled above
        }
    }

    private static Finding? SmsFailure(Context c, IMessageFacts n, bool overseas, string? region)
    {
        var severity = c.FailureSeverity;
        switch (n.FailureKind)
        {
            case DeliveryFailure.SmsUnknownNumber or DeliveryFailure.InvalidAddress:
                return new Finding(DiagnosisCodes.SmsUnknownNumber, severity,
                    $"L'opérateur indique que le numéro {n.To} n'existe pas.",
                    "Corrigez le numéro : annulez et relancez avec le bon numéro (Nouvelle procédure corrigée).",
                    ActionKinds.CorrectAndRelaunch, c.MobileCheck.Suggestion);
            case DeliveryFailure.SmsLandline:
                return new Finding(DiagnosisCodes.MobileNotMobile, severity,
                    $"L'opérateur indique que le numéro {n.To} est une ligne fixe : il ne reçoit pas de SMS.",
                    "Demandez au client son numéro de mobile, puis annulez et relancez (Nouvelle procédure corrigée).",
                    ActionKinds.CorrectAndRelaunch);
            case DeliveryFailure.ProviderError when c.OurSideIsDown:
                return null;
            case DeliveryFailure.None or DeliveryFailure.Other or DeliveryFailure.ProviderError or DeliveryFailure.SmsUnreachable
                or DeliveryFailure.SmsFiltered or DeliveryFailure.Blocked or DeliveryFailure.SpamComplaint
                or DeliveryFailure.MailboxUnknown or DeliveryFailure.DomainUnknown:
                if (!c.Waiting) return null;
                if (overseas)
                {
                    return new Finding(DiagnosisCodes.SmsUndeliveredOverseas, severity,
                        $"Le SMS au {n.To} ({Place(region!)}) n'a pas été remis{Detail(SmsReason(n))} : " +
                        "les opérateurs hors de France métropolitaine perdent parfois nos SMS.",
                        "Comptez sur l'email, qui porte le même lien ; au besoin, prévenez le client par téléphone.");
                }
                return new Finding(DiagnosisCodes.SmsFailed, severity,
                    $"Le SMS au {n.To} n'a pas été remis{Detail(SmsReason(n))}.",
                    "Comptez sur l'email, qui porte le même lien ; vérifiez le numéro avec le client et relancez-le si besoin (Relancer le client).",
                    ActionKinds.Remind);
        }
        return null;
    }

    private static string? SmsReason(IMessageFacts n) => n.FailureKind switch
    {
        DeliveryFailure.SmsUnreachable => "téléphone éteint ou hors réseau trop longtemps",
        DeliveryFailure.SmsFiltered => "message filtré par l'opérateur",
        DeliveryFailure.ProviderError => $"Paraphe n'a pas pu l'envoyer malgré plusieurs tentatives{Detail(n.Error)}",
        DeliveryFailure.None or DeliveryFailure.MailboxUnknown or DeliveryFailure.DomainUnknown or DeliveryFailure.Blocked
            or DeliveryFailure.SpamComplaint or DeliveryFailure.InvalidAddress or DeliveryFailure.SmsUnknownNumber
            or DeliveryFailure.SmsLandline or DeliveryFailure.Other => n.Error,
    };

    private static string Place(string region) => region switch
    {
        "RE" => "La Réunion",
        "YT" => "Mayotte",
        "GP" => "Guadeloupe",
        "MF" => "Saint-Martin",
        "BL" => "Saint-Barthélemy",
        "GF" => "Guyane",
        "MQ" => "Martinique",
        "PM" => "Saint-Pierre-et-Miquelon",
        "NC" => "Nouvelle-Calédonie",
        "PF" => "Polynésie française",
        "WF" => "Wallis-et-Futuna",
        _ => $"numéro étranger, {region}",
    };
}
