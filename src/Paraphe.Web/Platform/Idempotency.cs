using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;

namespace Paraphe.Web.Platform;

/// <summary>
/// `Idempotency-Key` on any API POST: the same key and body get the first answer again; the same key with
/// another body is refused; a retry while the first is still running gets 409.
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public const string Header = "Idempotency-Key";

    public async Task InvokeAsync(HttpContext http, IServiceScopeFactory scopes, TimeProvider clock)
    {
        var key = http.Request.Headers[Header].ToString();
        var agency = http.User.FindFirst(ParapheClaims.AgencyId)?.Value;
        if (!HttpMethods.IsPost(http.Request.Method) || string.IsNullOrWhiteSpace(key) || agency is null
            || !http.Request.Path.StartsWithSegments("/api/v1"))
        {
            await next(http);
            return;
        }
        if (key.Length > 200)
        {
            await WriteProblem(http, Problems.MalformedRequest, "L'en-tête Idempotency-Key dépasse 200 caractères.");
            return;
        }

        http.Request.EnableBuffering();
        var requestHash = await HashRequestAsync(http);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var record = new IdempotencyRecord
        {
            AgencyId = agency, Key = key, RequestHash = requestHash, CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.IdempotencyRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(http.RequestAborted);
        }
        catch (DbUpdateException e) when (DbErrors.IsConflict(e)) // the key is taken (or being taken) by the first request
        {
            db.ChangeTracker.Clear();
            var first = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.AgencyId == agency && r.Key == key);
            if (first is null) throw;
            await ReplayAsync(http, first, requestHash);
            return;
        }

        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        catch
        {
            // A refusal thrown as an exception is written by the exception handler, outside this middleware: without
            // this the key would stay "in progress" (409) for ever. Forget it, so that a retry runs again.
            http.Response.Body = original;
            db.IdempotencyRecords.Remove(record);
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            http.Response.Body = original;
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);

        if (http.Response.StatusCode >= 500)
        {
            db.IdempotencyRecords.Remove(record); // a server failure may be retried with the same key
        }
        else
        {
            record.StatusCode = http.Response.StatusCode;
            record.ContentType = http.Response.ContentType;
            record.Location = http.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null;
            record.Body = buffer.ToArray();
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private static async Task ReplayAsync(HttpContext http, IdempotencyRecord first, string requestHash)
    {
        if (first.RequestHash != requestHash)
        {
            await WriteProblem(http, Problems.IdempotencyKeyReused,
                "Cette clé Idempotency-Key a déjà servi pour une autre requête. Utilisez une nouvelle clé.");
            return;
        }
        if (first.StatusCode == 0)
        {
            await WriteProblem(http, Problems.IdempotencyInProgress, "La première requête avec cette clé est encore en cours.");
            return;
        }
        http.Response.StatusCode = first.StatusCode;
        if (first.ContentType is not null) http.Response.ContentType = first.ContentType;
        if (first.Location is not null) http.Response.Headers.Location = first.Location;
        http.Response.Headers["Idempotent-Replayed"] = "true";
        await http.Response.Body.WriteAsync(first.Body);
    }

    private static async Task<string> HashRequestAsync(HttpContext http)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{http.Request.Method} {http.Request.Path}\n"));
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0) sha.AppendData(chunk, 0, read);
        http.Request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static Task WriteProblem(HttpContext http, string code, string detail)
    {
        var problem = Problems.Details(code, detail);
        http.Response.StatusCode = problem.Status ?? 400;
        return http.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}
