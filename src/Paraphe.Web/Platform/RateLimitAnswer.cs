namespace Paraphe.Web.Platform;

/// <summary>What a client past a rate limit gets: 429 with `Retry-After`, the French page for people, `rate_limited` on the API.</summary>
public static class RateLimitAnswer
{
    public static async ValueTask WriteAsync(HttpContext http, int retryAfterSeconds, string message)
    {
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (ErrorPage.IsForPeople(http)) await ErrorPage.WriteAsync(http, StatusCodes.Status429TooManyRequests, message);
        else await TypedResults.Problem(Problems.Details(Problems.RateLimited, message)).ExecuteAsync(http);
    }
}
