using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Paraphe.Domain;

namespace Paraphe.Web.Platform;

/// <summary>Every API error is application/problem+json with a stable `code` (RFC 9457).</summary>
public static class Problems
{
    public const string MalformedRequest = "malformed_request";
    public const string Unauthorized = "unauthorized";
    public const string ConcurrentUpdate = "concurrent_update";
    public const string InternalError = "internal_error";
    public const string InvalidDocument = "invalid_document";
    public const string DocumentTooLarge = "document_too_large";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string IdempotencyInProgress = "idempotency_in_progress";
    public const string MethodNotAllowed = "method_not_allowed";
    /// <summary>Too many requests from one client on a public endpoint (429).</summary>
    public const string RateLimited = "rate_limited";
    /// <summary>The database cannot be reached for now (503, with `Retry-After`): retry the same request later.</summary>
    public const string ServiceUnavailable = "service_unavailable";

    public static int StatusFor(string code) => code switch
    {
        ErrorCodes.NotFound => StatusCodes.Status404NotFound,
        ErrorCodes.ValidationFailed or ErrorCodes.NoSigningAuthority or InvalidDocument => StatusCodes.Status422UnprocessableEntity,
        ErrorCodes.ProcedureLocked or ErrorCodes.InvalidTransition or ConcurrentUpdate or IdempotencyInProgress => StatusCodes.Status409Conflict,
        ErrorCodes.LinkGone => StatusCodes.Status410Gone,
        ErrorCodes.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCodes.LastDirector => StatusCodes.Status409Conflict,
        ErrorCodes.ReminderCooldown or ErrorCodes.OtpSendLimit or ErrorCodes.OtpAttemptsExceeded => StatusCodes.Status429TooManyRequests,
        ErrorCodes.OtpRequired or ErrorCodes.OtpInvalid or ErrorCodes.OtpExpired => StatusCodes.Status422UnprocessableEntity,
        ErrorCodes.InvalidSignatureImage => StatusCodes.Status422UnprocessableEntity,
        ErrorCodes.OtpNotEnabled or ErrorCodes.NotSealed or ErrorCodes.NotSignerTurn => StatusCodes.Status409Conflict,
        ErrorCodes.ContactUnreachable => StatusCodes.Status422UnprocessableEntity,
        ErrorCodes.OtpLocked => StatusCodes.Status423Locked,
        DocumentTooLarge or RequestLimits.RequestTooLarge => StatusCodes.Status413PayloadTooLarge,
        MalformedRequest => StatusCodes.Status400BadRequest,
        IdempotencyKeyReused => StatusCodes.Status422UnprocessableEntity,
        Unauthorized => StatusCodes.Status401Unauthorized,
        RateLimited => StatusCodes.Status429TooManyRequests,
        ServiceUnavailable => StatusCodes.Status503ServiceUnavailable,
        Storage.StorageUnavailableException.Code => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };

    public static ProblemHttpResult Of(string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null,
        int? status = null, IDictionary<string, object?>? extensions = null)
    {
        var problem = Details(code, detail, errors, status);
        if (extensions is not null)
            foreach (var (k, v) in extensions) problem.Extensions[k] = v;
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult From(DomainException e) => TypedResults.Problem(Details(e));

    /// <summary>A domain refusal with its code, field errors and extension members (`next_reminder_at`).</summary>
    public static ProblemDetails Details(DomainException e)
    {
        var problem = Details(e.Code, e.Message, e.Errors);
        foreach (var (k, v) in e.Extensions) problem.Extensions[k] = v;
        return problem;
    }

    public static ProblemDetails Details(string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null, int? status = null)
    {
        var s = status ?? StatusFor(code);
        var problem = new ProblemDetails { Status = s, Title = TitleFor(s), Detail = detail, Type = $"https://paraphe.fr/problems/{code}" };
        problem.Extensions["code"] = code;
        if (errors is { Count: > 0 }) problem.Extensions["errors"] = errors;
        return problem;
    }

    private static string TitleFor(int status) => status switch
    {
        400 => "Requête invalide",
        401 => "Authentification requise",
        403 => "Accès refusé",
        404 => "Introuvable",
        405 => "Méthode non autorisée",
        409 => "Conflit",
        410 => "Lien expiré",
        413 => "Fichier trop volumineux",
        422 => "Données invalides",
        423 => "Verrouillé",
        429 => "Trop de demandes",
        503 => "Service momentanément indisponible",
        _ => "Erreur",
    };
}

/// <summary>Turns exceptions into problem+json: domain refusals keep their code; nothing leaks as a bare 500.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var details = exception switch
        {
            DomainException e => Problems.Details(e),
            Storage.StorageUnavailableException e => Storage.StorageProblem.Details(http, e, log),
            BadHttpRequestException { StatusCode: 413 } => RequestLimits.TooLarge(http),
            BadHttpRequestException { InnerException: RefusedJsonStringException refused } => refused.ToProblem(),
            BadHttpRequestException e => Problems.Details(Problems.MalformedRequest, $"La requête est mal formée : {e.Message}"),
            InvalidDataException when http.Request.HasFormContentType => Problems.Details(Problems.MalformedRequest,
                "Le formulaire dépasse les limites (nombre de champs, longueur d'un nom ou d'une valeur)."),
            // A collision with another writer, by the database's code (DbErrors): never a 500.
            _ when Paraphe.Data.DbErrors.IsConflict(exception) => Problems.Details(Problems.ConcurrentUpdate,
                "La procédure a été modifiée en même temps par une autre action. Rechargez et recommencez."),
            // The database is out of reach (DbErrors): a quick 503 the client retries, never a hang or a 500.
            _ when Paraphe.Data.DbErrors.IsUnavailable(exception) => ServiceUnavailable.Answer(http, exception, log),
            _ => null,
        };
        if (details is null)
        {
            log.LogError(exception, "Unhandled error on {Path}", LogRedaction.Path(http));
            details = Problems.Details(Problems.InternalError, "Une erreur inattendue est survenue. Réessayez ; si elle persiste, contactez le support.", status: 500);
        }
        if (ErrorPage.IsForPeople(http))
        {
            await ErrorPage.WriteAsync(http, details.Status ?? 500, exception is DomainException ? details.Detail : null);
            return true;
        }
        http.Response.StatusCode = details.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception });
    }
}
