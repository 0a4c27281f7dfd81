using Microsoft.AspNetCore.Mvc;

namespace Paraphe.Web.Platform.Storage;

/// <summary>`503 storage_unavailable` with `Retry-After`: the document store is down; nothing was committed.</summary>
public static class StorageProblem
{
    /// <summary>The API operations that read or write the document store (OpenApiProblems declares the 503 on them).</summary>
    public static readonly IReadOnlySet<string> Routes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "POST api/v1/documents", "GET api/v1/documents/{id}/file", "POST api/v1/procedures/{id}/mark-signed",
        "GET api/v1/procedures/{id}/signed-document", "GET api/v1/procedures/{id}/audit", "GET api/v1/signing/{token}/document",
        "POST api/v1/verify",
    };

    public static ProblemDetails Details(HttpContext http, StorageUnavailableException e, ILogger log)
    {
        log.LogWarning(new EventId(1204, "StorageUnavailable"), e, "Document store unavailable on {Path}", LogRedaction.Path(http));
        http.Response.Headers.RetryAfter = StorageUnavailableException.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Details(StorageUnavailableException.Code, StorageUnavailableException.PersonMessage);
    }
}
