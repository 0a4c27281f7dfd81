using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paraphe.Data;

namespace Paraphe.Web.Platform.Storage;

/// <summary>
/// Moves the bytes that older versions kept in the database (`document_contents.Bytes`, `sealed_documents.Bytes`) into
/// the document store, at start-up, in the background: reads fall back to the row's bytes until it is moved, so
/// nothing waits for it. Row by row, in batches of `Paraphe:Storage:MigrationBatchSize` ids (one row's bytes in memory
/// at a time): the object is written, read back and checked by SHA-256, then one UPDATE sets the key and clears the
/// bytes — only if the row still has none (a second instance migrating at the same time writes the same object and
/// updates nothing). A crash anywhere leaves either an unmoved row (moved again at the next start; the object is simply
/// written again) or a moved one: idempotent and resumable. A row whose read-back does not match is left in the
/// database and logged. A store that is down stops the pass; it starts again a minute later.
/// </summary>
public sealed partial class StoredContentMigration(IServiceScopeFactory scopes, IDocumentStore store, IOptions<StorageOptions> options,
    TimeProvider clock, ILogger<StoredContentMigration> log) : BackgroundService
{
    private readonly TaskCompletionSource<Result> done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Rows moved, and rows left in the database because their read-back did not match.</summary>
    public sealed record Result(int Documents, int SealedDocuments, int Mismatched);

    /// <summary>Completes when a pass found nothing more to move (tests wait on it).</summary>
    public Task<Result> Completion => done.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var result = await MoveAllAsync(stoppingToken);
                if (result.Documents + result.SealedDocuments > 0) LogMoved(result.Documents, result.SealedDocuments, store.Provider);
                done.TrySetResult(result);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPassFailed(e);
                try { await Task.Delay(TimeSpan.FromMinutes(1), clock, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>One whole pass over both tables.</summary>
    public async Task<Result> MoveAllAsync(CancellationToken ct)
    {
        var (documents, badDocuments) = await MoveDocumentsAsync(ct);
        var (sealedDocuments, badSealed) = await MoveSealedAsync(ct);
        return new Result(documents, sealedDocuments, badDocuments + badSealed);
    }

    private async Task<(int Moved, int Mismatched)> MoveDocumentsAsync(CancellationToken ct)
    {
        int moved = 0, mismatched = 0;
        var after = "";
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
            var batch = await db.DocumentContents.IgnoreQueryFilters().AsNoTracking()
                .Where(c => c.StorageKey == null && string.Compare(c.DocumentId, after) > 0)
                .OrderBy(c => c.DocumentId).Select(c => new { c.DocumentId, c.AgencyId })
                .Take(options.Value.MigrationBatchSize).ToListAsync(ct);
            if (batch.Count == 0) return (moved, mismatched);
            foreach (var row in batch)
            {
                after = row.DocumentId;
                var bytes = await db.DocumentContents.IgnoreQueryFilters().AsNoTracking()
                    .Where(c => c.DocumentId == row.DocumentId && c.StorageKey == null).Select(c => c.Bytes).FirstOrDefaultAsync(ct);
                if (bytes is null) continue; // moved meanwhile by another instance
                var key = StorageKeys.Document(row.AgencyId, row.DocumentId);
                if (!await CopyAsync(key, bytes, ct))
                {
                    mismatched++;
                    continue;
                }
                moved += await db.DocumentContents.IgnoreQueryFilters()
                    .Where(c => c.DocumentId == row.DocumentId && c.StorageKey == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.StorageKey, key).SetProperty(c => c.Bytes, (byte[]?)null), ct);
            }
        }
    }

    private async Task<(int Moved, int Mismatched)> MoveSealedAsync(CancellationToken ct)
    {
        int moved = 0, mismatched = 0;
        var after = "";
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
            var batch = await db.SealedDocuments.IgnoreQueryFilters().AsNoTracking()
                .Where(d => d.StorageKey == null && string.Compare(d.ProcedureId, after) > 0)
                .OrderBy(d => d.ProcedureId).Select(d => new { d.ProcedureId, d.AgencyId })
                .Take(options.Value.MigrationBatchSize).ToListAsync(ct);
            if (batch.Count == 0) return (moved, mismatched);
            foreach (var row in batch)
            {
                after = row.ProcedureId;
                var bytes = await db.SealedDocuments.IgnoreQueryFilters().AsNoTracking()
                    .Where(d => d.ProcedureId == row.ProcedureId && d.StorageKey == null).Select(d => d.Bytes).FirstOrDefaultAsync(ct);
                if (bytes is null) continue;
                // Keyed by the hash of the bytes as they are: a copy altered in the database stays altered, and the
                // audit check (stored hash against the trail's) still sees it.
                var key = StorageKeys.Sealed(row.AgencyId, row.ProcedureId, Convert.ToHexStringLower(SHA256.HashData(bytes)));
                if (!await CopyAsync(key, bytes, ct))
                {
                    mismatched++;
                    continue;
                }
                moved += await db.SealedDocuments.IgnoreQueryFilters()
                    .Where(d => d.ProcedureId == row.ProcedureId && d.StorageKey == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.StorageKey, key).SetProperty(d => d.Bytes, (byte[]?)null), ct);
            }
        }
    }

    /// <summary>Writes the object and reads it back: true when the store gives exactly these bytes (by SHA-256).</summary>
    private async Task<bool> CopyAsync(string key, byte[] bytes, CancellationToken ct)
    {
        using (var source = new MemoryStream(bytes, writable: false)) await store.PutAsync(key, source, ct);
        var expected = SHA256.HashData(bytes);
        await using var back = await store.OpenReadAsync(key, ct);
        var actual = await SHA256.HashDataAsync(back, ct);
        if (CryptographicOperations.FixedTimeEquals(expected, actual)) return true;
        LogMismatch(key);
        return false;
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Moved {Documents} documents and {Sealed} sealed documents from the database to the {Provider} store")]
    private partial void LogMoved(int documents, int @sealed, string provider);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "Stored object {Key} does not read back as written; its row keeps its bytes in the database")]
    private partial void LogMismatch(string key);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Moving document bytes out of the database failed; trying again in a minute")]
    private partial void LogPassFailed(Exception e);
}
