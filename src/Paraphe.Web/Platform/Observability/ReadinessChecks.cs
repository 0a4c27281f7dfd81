using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Paraphe.Data;

namespace Paraphe.Web.Platform.Observability;

/// <summary>Every migration of this build is applied to the database (a rolling upgrade: the old schema is not ready).</summary>
public sealed class MigrationsCheck(ParapheDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
        return pending == 0
            ? HealthCheckResult.Healthy("Toutes les migrations sont appliquées.")
            : HealthCheckResult.Unhealthy($"{pending} migration(s) en attente.");
    }
}

/// <summary>No due message has waited longer than `Paraphe:Health:OutboxStuckAfter`: messages are leaving.</summary>
public sealed class OutboxCheck(OutboxBacklog backlog, IOptionsMonitor<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var reading = await backlog.ReadAsync(ct);
        var limit = options.CurrentValue.OutboxStuckAfter;
        var data = new Dictionary<string, object> { ["oldest_due_age_seconds"] = Math.Round(reading.OldestDueAge.TotalSeconds) };
        return reading.OldestDueAge > limit
            ? HealthCheckResult.Unhealthy($"Un message attend son envoi depuis {(int)reading.OldestDueAge.TotalMinutes} min (seuil {limit.TotalMinutes:0} min).", data: data)
            : HealthCheckResult.Healthy("Les messages partent.", data);
    }
}

/// <summary>The small JSON body of `/health/live` and `/health/ready`: the overall status and each check's, never an exception's text.</summary>
public static class HealthAnswer
{
    public const string ReadyTag = "ready";

    public static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
        ResponseWriter = WriteAsync,
    };

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        var body = new Dictionary<string, object>
        {
            ["status"] = Word(report.Status),
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => new Dictionary<string, object?>
            {
                ["status"] = Word(e.Value.Status),
                // Our own checks' sentences only: an exception's message may name hosts or credentials.
                ["description"] = e.Value.Exception is null ? e.Value.Description : "Injoignable ou en erreur (détail dans le journal).",
                ["duration_ms"] = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private static string Word(HealthStatus s) => s switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
