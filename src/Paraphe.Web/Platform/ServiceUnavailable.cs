using Microsoft.AspNetCore.Mvc;

namespace Paraphe.Web.Platform;

/// <summary>
/// The answer while the database is out of reach (stopped, restarting, unreachable): `503 service_unavailable` with
/// `Retry-After`, problem+json on the API and « Service momentanément indisponible » for people. Nothing is half-done:
/// a request either committed before the outage or did not commit at all, so the same request can be sent again.
/// </summary>
public static partial class ServiceUnavailable
{
    /// <summary>Seconds a client is asked to wait before trying again.</summary>
    public const int RetryAfterSeconds = 5;

    public const string Detail = "Le service est momentanément indisponible. Réessayez dans quelques secondes.";

    internal static ProblemDetails Answer(HttpContext http, Exception exception, ILogger log)
    {
        LogUnavailable(log, LogRedaction.Path(http), exception.GetType().Name, exception.GetBaseException().Message);
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Details(Problems.ServiceUnavailable, Detail);
    }

    [LoggerMessage(EventId = 1030, Level = LogLevel.Warning, Message = "Database unavailable on {Path}: {ExceptionType}: {Error}")]
    private static partial void LogUnavailable(ILogger log, string path, string exceptionType, string error);
}
