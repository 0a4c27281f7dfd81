using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;
using Paraphe.Data.Records;

namespace Paraphe.Web.Platform;

/// <summary>`Paraphe:Idempotency`.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Paraphe:Idempotency";

    /// <summary>
    /// How long a request holds its key before a retry may take it over: a request that died with its process or its
    /// database leaves the key to the next retry after this long (its work never committed, or the retry gets its answer).
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// `Idempotency-Key` on any API POST: the same key and body get the first answer again; the same key with another
/// body is refused; a retry while the first is still running gets 409. The key is reserved first (with a lease and an
/// owner token), then committed in the same transaction as the work it protects (<see cref="IdempotencyCommit"/>), and
/// the answer is stored after it. So a request that died before its work committed leaves a key that a retry takes
/// over once the lease has run out, and a request whose answer was lost after the commit is answered again — from the
/// stored answer, or, when even that was lost, from the resource's current representation (<see cref="IdempotentReplay"/>).
/// </summary>
internal sealed partial class IdempotencyMiddleware(RequestDelegate next)
{
    public const string Header = "Idempotency-Key";

    public static IServiceCollection AddIdempotency(IServiceCollection services)
    {
        services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.Section); // checked with every setting (ConfigurationChecks)
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, IdempotencyCommit>();
        return services;
    }

    public async Task InvokeAsync(HttpContext http, IServiceScopeFactory scopes, TimeProvider clock, IOptions<IdempotencyOptions> options,
        ILogger<IdempotencyMiddleware> log)
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
        var keys = scope.ServiceProvider.GetRequiredService<ParapheDbContext>(); // the key's bookkeeping, apart from the work
        var owner = Guid.NewGuid().ToString("N");
        var reserved = await ReserveAsync(http, keys, agency, key, requestHash, owner, clock, options.Value.Lease);
        if (reserved is null) return; // answered: replayed, refused or in progress

        var reservation = new IdempotencyReservation(reserved.Value, owner, ResourceOf(http.Request.Path));
        IdempotencyCommit.Hold(http.RequestServices.GetRequiredService<ParapheDbContext>(), reservation);
        var mine = keys.IdempotencyRecords.Where(r => r.Id == reservation.Id && r.Owner == owner);

        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        catch
        {
            // A refusal thrown as an exception is written by the exception handler, outside this middleware: forget the
            // key (unless the work committed), so that a retry runs again.
            http.Response.Body = original;
            await BestEffortAsync(log, key, () => mine.Where(r => r.CommittedAt == null).ExecuteDeleteAsync(CancellationToken.None));
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
            // A server failure may be retried with the same key; work that committed before it is answered from its resource.
            await BestEffortAsync(log, key, () => mine.Where(r => r.CommittedAt == null).ExecuteDeleteAsync(CancellationToken.None));
            return;
        }
        var (status, type, body) = (http.Response.StatusCode, http.Response.ContentType, buffer.ToArray());
        var location = http.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null;
        await BestEffortAsync(log, key, () => mine.ExecuteUpdateAsync(s => s.SetProperty(r => r.StatusCode, status)
            .SetProperty(r => r.ContentType, type).SetProperty(r => r.Location, location).SetProperty(r => r.Body, body)
            .SetProperty(r => r.LeaseUntil, (DateTime?)null), CancellationToken.None));
    }

    /// <summary>
    /// Forgetting a key or storing its answer after the work: if the database is gone by then, the client still gets the
    /// answer already written, and the key is settled by its retry (a key whose work did not commit is taken over once its
    /// lease ran out; one whose work committed is answered from the resource).
    /// </summary>
    private static async Task BestEffortAsync(ILogger log, string key, Func<Task<int>> write)
    {
        try
        {
            await write();
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            log.LogWarning(e, "Idempotency key {Key}: its record could not be updated after the request; a retry settles it", key);
        }
    }

    /// <summary>
    /// Takes the key for this request (a new record, or an abandoned one taken over) and returns its id; or answers
    /// the request from the first one and returns null.
    /// </summary>
    private static async Task<long?> ReserveAsync(HttpContext http, ParapheDbContext db, string agency, string key,
        string requestHash, string owner, TimeProvider clock, TimeSpan lease)
    {
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var record = new IdempotencyRecord
            {
                AgencyId = agency, Key = key, RequestHash = requestHash, CreatedAt = now, Owner = owner, LeaseUntil = now + lease,
            };
            db.IdempotencyRecords.Add(record);
            try
            {
                await db.SaveChangesAsync(http.RequestAborted);
                return record.Id;
            }
            catch (DbUpdateException e) when (DbErrors.IsConflict(e)) // the key is taken (or being taken) by another request
            {
                db.ChangeTracker.Clear();
            }
            var first = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.AgencyId == agency && r.Key == key);
            if (first is null)
            {
                if (attempt < 5) continue; // released meanwhile (its request failed): take it
                throw new InvalidOperationException("The idempotency key keeps being taken and released.");
            }
            if (first.RequestHash != requestHash)
            {
                await WriteProblem(http, Problems.IdempotencyKeyReused,
                    "Cette clé Idempotency-Key a déjà servi pour une autre requête. Utilisez une nouvelle clé.");
                return null;
            }
            if (first.StatusCode != 0)
            {
                await ReplayAsync(http, first);
                return null;
            }
            if (first.CommittedAt is not null)
            {
                // The work committed but its answer was lost (the process died, the connection broke): answer from the resource.
                await IdempotentReplay.FromResourceAsync(http, first.Location);
                return null;
            }
            if (first.LeaseUntil is { } until && until > now)
            {
                await WriteProblem(http, Problems.IdempotencyInProgress, "La première requête avec cette clé est encore en cours.");
                return null;
            }
            // Abandoned: its holder died before its work committed (or the lease ran out). Take it over — one retry wins.
            var previous = first.Owner;
            var taken = await db.IdempotencyRecords
                .Where(r => r.Id == first.Id && r.Owner == previous && r.StatusCode == 0 && r.CommittedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Owner, owner).SetProperty(r => r.LeaseUntil, now + lease),
                    http.RequestAborted);
            if (taken == 1) return first.Id;
            if (attempt >= 5) throw new InvalidOperationException("The idempotency key keeps changing hands.");
        }
    }

    private static async Task ReplayAsync(HttpContext http, IdempotencyRecord first)
    {
        http.Response.StatusCode = first.StatusCode;
        if (first.ContentType is not null) http.Response.ContentType = first.ContentType;
        if (first.Location is not null) http.Response.Headers.Location = first.Location;
        http.Response.Headers[IdempotentReplay.ReplayedHeader] = "true";
        await http.Response.Body.WriteAsync(first.Body);
    }

    /// <summary>The resource a POST acts on (`/api/v1/procedures/{id}` for `/api/v1/procedures/{id}/launch`), if it names one.</summary>
    private static string? ResourceOf(PathString path) =>
        ResourcePath().Match(path.Value ?? "") is { Success: true } m ? m.Value : null;

    [GeneratedRegex(@"^/api/v1/(procedures|contacts|documents)/[A-Za-z0-9_\-]+")]
    private static partial Regex ResourcePath();

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

    internal static Task WriteProblem(HttpContext http, string code, string detail)
    {
        var problem = Problems.Details(code, detail);
        http.Response.StatusCode = problem.Status ?? 400;
        return http.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}
