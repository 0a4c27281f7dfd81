using Microsoft.AspNetCore.Mvc;

namespace Paraphe.Web.Platform.Storage;

/// <summary>`503 storage_unavailable` with `Retry-After`: the document store is down; nothing was committed.</summary>
public static class StorageProblem
{
    public static ProblemDetails Details(HttpContext http, StorageUnavailableException e, ILogger log)
    {
        log.LogWarning(new EventId(7104, "StorageUnavailable"), e, "Document store unavailable on {Path}", LogRedaction.Path(http));
        http.Response.Headers.RetryAfter = StorageUnavailableException.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Details(StorageUnavailableException.Code, StorageUnavailableException.PersonMessage);
    }
}
