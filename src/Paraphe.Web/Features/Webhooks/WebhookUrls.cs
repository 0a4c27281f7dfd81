using System.Net;
using Paraphe.Domain;

namespace Paraphe.Web.Features.Webhooks;

/// <summary>
/// The endpoint URL, checked when it is saved: absolute, https (http outside Production), no credentials, no fragment, not a
/// literal private address nor `localhost` unless private addresses are allowed. Names are checked again at each
/// connection (<see cref="WebhookAddressGuard"/>): what a name resolves to can change.
/// </summary>
public static class WebhookUrls
{
    public static readonly TextInput.Rule Rule = new(2000, false, "l'URL");

    public static string? Problem(string? url, bool production, bool allowPrivate)
    {
        if (string.IsNullOrWhiteSpace(url)) return "Obligatoire.";
        if (TextInput.Problem(url, Rule) is { } text) return text;
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            return "URL invalide : donnez une adresse complète (https://…).";
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && !production))
            return production ? "L'URL doit commencer par https://." : "L'URL doit commencer par https:// ou http://.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "L'URL ne doit pas contenir d'identifiant ni de mot de passe.";
        if (!string.IsNullOrEmpty(uri.Fragment)) return "L'URL ne doit pas contenir de fragment (#…).";
        if (allowPrivate) return null;
        var host = uri.Host.Trim('[', ']').TrimEnd('.'); // `localhost.` and `127.0.0.1.` are the same hosts, fully qualified
        if (IPAddress.TryParse(host, out var address) && !WebhookAddressGuard.IsPublic(address))
            return "Adresse privée, locale ou réservée refusée : donnez l'adresse publique du serveur qui reçoit les événements.";
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return "Adresse locale refusée : donnez l'adresse publique du serveur qui reçoit les événements.";
        return null;
    }
}
