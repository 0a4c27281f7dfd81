using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Paraphe.Web.Platform;

/// <summary>
/// Secrets out of logs: a signing link's token and a download link's key are bearer secrets, so no logged path may
/// carry them. ASP.NET's own path-logging categories are held at Warning (the hosting one off: its request scope
/// carries the raw path), and <see cref="RequestLogging"/> logs each request with <see cref="Path"/> instead.
/// </summary>
public static partial class LogRedaction
{
    public const string Redacted = "[redacted]";

    /// <summary>Categories that write the raw request path (or route values) into messages or scopes.</summary>
    internal static readonly (string Category, LogLevel Minimum)[] Quieted =
    [
        // Its per-request scope (RequestPath) is created whenever the category is enabled at all.
        ("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None),
        ("Microsoft.AspNetCore.Routing", LogLevel.Warning),
        ("Microsoft.AspNetCore.Mvc", LogLevel.Warning),
        ("Microsoft.AspNetCore.Http.Result", LogLevel.Warning),
        ("Microsoft.AspNetCore.Http.RequestDelegateFactory", LogLevel.Warning),
        ("Microsoft.AspNetCore.StaticFiles", LogLevel.Warning),
        ("Microsoft.AspNetCore.HttpLogging", LogLevel.Warning),
        ("Microsoft.AspNetCore.Server.Kestrel.BadRequests", LogLevel.Warning),
        ("Microsoft.AspNetCore.Rewrite", LogLevel.Warning),
        ("Microsoft.AspNetCore.HttpsPolicy", LogLevel.Warning),
    ];

    /// <summary>The path with the signing token and the download key replaced by <see cref="Redacted"/>.</summary>
    public static string Path(PathString path) => Path(path.Value);

    public static string Path(string? path)
    {
        if (string.IsNullOrEmpty(path)) return "/";
        var redacted = SigningToken().Replace(path, "$1" + Redacted);
        return DownloadKey().Replace(redacted, "$1" + Redacted);
    }

    /// <summary>The request's path base and path, redacted.</summary>
    public static string Path(HttpContext http) => Path(http.Request.PathBase.Add(http.Request.Path));

    // `/sign/{token}` (page) and `/api/v1/signing/{token}` (API); routing is case-insensitive, so is this.
    [GeneratedRegex(@"(/sign/|/signing/)[^/]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SigningToken();

    // `/telechargement/{notificationId}/{key}`: the id may be logged, the key may not.
    [GeneratedRegex(@"(/telechargement/[^/]*/)[^/]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DownloadKey();

    public static WebApplicationBuilder AddLogRedaction(this WebApplicationBuilder builder)
    {
        // After every other configuration (appsettings, environment, provider-specific sections): for each provider
        // named in a rule and for all providers, the quieted categories get the most specific rule there is.
        builder.Services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>, QuietPathLogging>();
        return builder;
    }

    public static WebApplication UseRedactedRequestLogging(this WebApplication app)
    {
        app.UseMiddleware<RequestLogging>();
        return app;
    }

    private sealed class QuietPathLogging : IPostConfigureOptions<LoggerFilterOptions>
    {
        public void PostConfigure(string? name, LoggerFilterOptions options)
        {
            var providers = options.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList();
            foreach (var rule in options.Rules.Where(r => r.CategoryName is { } c
                         && Quieted.Any(q => c.StartsWith(q.Category, StringComparison.OrdinalIgnoreCase))).ToList())
                options.Rules.Remove(rule);
            foreach (var provider in providers)
                foreach (var (category, minimum) in Quieted)
                    options.Rules.Add(new LoggerFilterRule(provider, category, minimum, null));
        }
    }
}

/// <summary>
/// One Information line per request, with the path redacted, in a scope that carries the redacted path. Issue 12
/// (sign7): the line is a <c>[LoggerMessage]</c> (event id 1050: no argument array, no boxing before a logger wants the
/// line) and the scope is one small object of two pairs instead of a dictionary per request; what a logger that reads
/// scopes receives (<c>RequestId</c>, <c>RequestPath</c>) is unchanged.
/// </summary>
internal sealed partial class RequestLogging(RequestDelegate next, ILogger<RequestLogging> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (!log.IsEnabled(LogLevel.Critical))
        {
            await next(http);
            return;
        }
        var path = LogRedaction.Path(http);
        using var scope = log.BeginScope(new RequestScope(http.TraceIdentifier, path));
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            LogResponded(http.Request.Method, path, http.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    [LoggerMessage(EventId = 1050, Level = LogLevel.Information, Message = "HTTP {Method} {Path} responded {StatusCode} in {Elapsed:0.0} ms")]
    private partial void LogResponded(string method, string path, int statusCode, double elapsed);

    /// <summary>The request's scope: its id and its redacted path, as pairs for the loggers that read scopes.</summary>
    private sealed class RequestScope(string requestId, string path) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 2;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("RequestId", requestId),
            1 => new("RequestPath", path),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"RequestId:{requestId} RequestPath:{path}";
    }
}
