using System.Net;

namespace Paraphe.Web.Platform;

/// <summary>
/// The plain French page a person sees when a page (not the API) fails or does not exist: never a JSON
/// document or a blank screen in a browser.
/// </summary>
public static class ErrorPage
{
    public static bool IsForPeople(HttpContext http) =>
        !http.Request.Path.StartsWithSegments("/api") && !http.Request.Path.StartsWithSegments("/callbacks");

    public static Task WriteAsync(HttpContext http, int status, string? detail = null)
    {
        var (title, text) = status switch
        {
            404 => ("Page introuvable", "Cette page n'existe pas ou n'appartient pas à votre agence."),
            403 => ("Accès refusé", "Vous n'avez pas accès à cette page."),
            405 => ("Action impossible", "Cette action n'est pas possible sur cette page."),
            410 => ("Lien expiré", "Ce lien ne fonctionne plus."),
            429 => ("Trop de demandes", "Trop de demandes : réessayez dans une minute."),
            413 => ("Envoi trop volumineux", "Le fichier ou le formulaire envoyé dépasse la taille acceptée. Réduisez-le puis recommencez."),
            422 => ("Données refusées", "Certaines valeurs envoyées ne sont pas acceptées."),
            503 => ("Service momentanément indisponible", "Paraphe ne peut pas répondre pour le moment. Réessayez dans quelques instants."),
            >= 500 => ("Une erreur est survenue", "Une erreur inattendue est survenue. Réessayez ; si elle persiste, contactez le support."),
            _ => ("Demande refusée", "Cette demande n'a pas pu être traitée."),
        };
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        string E(string s) => WebUtility.HtmlEncode(s);
        return http.Response.WriteAsync($"""
            <!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)} — Paraphe</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/css/site.css"></head>
            <body><main class="container error-page">
            <h1 data-testid="error-title">{E(title)}</h1><p data-testid="error-text">{E(detail ?? text)}</p>
            <p><a href="/">Retour à l'accueil</a></p></main></body></html>
            """);
    }
}
