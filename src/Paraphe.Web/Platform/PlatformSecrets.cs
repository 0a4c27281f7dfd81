using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Data.Records;

namespace Paraphe.Web.Platform;

/// <summary>
/// The secrets Paraphe makes for itself when none is configured (the signing-link key, the development seal
/// certificate), kept in the database (`platform_secrets`) so that every instance on it uses the same ones. Created
/// race-free: each instance inserts its candidate only if the name is absent, then reads back what won. A secret
/// still in a file of the data directory (an install older than this table) is the candidate, so its links and
/// seals keep working. Read once per process (the callers are singletons).
/// </summary>
public sealed class PlatformSecrets(IServiceScopeFactory scopes, TimeProvider clock, ILogger<PlatformSecrets> log)
{
    /// <summary>The stored secret named <paramref name="name"/>; stores <paramref name="legacy"/>'s bytes (a file) or a new one first when absent.</summary>
    public byte[] GetOrCreate(string name, Func<byte[]?> legacy, Func<byte[]> create)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var stored = Read(db, name);
        var old = legacy();
        if (stored is null)
        {
            var candidate = old ?? create();
            // Insert-if-absent, then read back: two instances starting together agree on whichever insert came first.
            db.Database.ExecuteSqlRaw(
                """INSERT INTO platform_secrets ("Name", "Value", "CreatedAt") VALUES ({0}, {1}, {2}) ON CONFLICT ("Name") DO NOTHING""",
                name, Convert.ToBase64String(candidate), clock.GetUtcNow().UtcDateTime);
            stored = Read(db, name) ?? throw new InvalidOperationException($"The platform secret {name} could not be stored.");
            if (old is not null && stored.AsSpan().SequenceEqual(old))
                log.LogInformation("Platform secret {Name} moved from the data directory into the database", name);
            else if (old is null && stored.AsSpan().SequenceEqual(candidate))
                log.LogInformation("Platform secret {Name} generated in the database", name);
        }
        else if (old is not null && !stored.AsSpan().SequenceEqual(old))
        {
            log.LogWarning("Platform secret {Name}: the database holds another one than the data directory's file; the database's is used", name);
        }
        return stored;
    }

    private static byte[]? Read(ParapheDbContext db, string name) =>
        db.PlatformSecrets.AsNoTracking().Where(s => s.Name == name).Select(s => s.Value).FirstOrDefault() is { } value
            ? Convert.FromBase64String(value)
            : null;
}
