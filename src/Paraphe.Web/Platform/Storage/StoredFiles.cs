using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Paraphe.Data.Records;
using Paraphe.Domain;

namespace Paraphe.Web.Platform.Storage;

/// <summary>
/// Reads what a row names: the object in the store, or — for a row the start-up migration has not moved yet — the
/// bytes still in the row. Downloads stream (<see cref="OpenAsync"/>, 80 KB at a time, never the whole file in memory);
/// the PDF work that needs the whole file (sealing, page sizes, a small attachment) reads it once (<see cref="ReadAllAsync"/>).
/// </summary>
public sealed class StoredFiles(IDocumentStore store)
{
    public IDocumentStore Store => store;

    /// <summary>
    /// For static use cases that only hold the context: the application's instance, through the service provider the
    /// context was built from (AddDbContext records it).
    /// </summary>
    public static StoredFiles Of(Paraphe.Data.ParapheDbContext db) =>
        Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Infrastructure.IDbContextOptions>(db)
            .FindExtension<Microsoft.EntityFrameworkCore.Infrastructure.CoreOptionsExtension>()?.ApplicationServiceProvider
            ?.GetService<StoredFiles>()
        ?? throw new InvalidOperationException("No document store: the context was not built by the application's service provider.");

    public Task<Stream> OpenAsync(string? key, byte[]? bytes, CancellationToken ct) =>
        key is not null ? store.OpenReadAsync(key, ct)
        : bytes is not null ? Task.FromResult<Stream>(new MemoryStream(bytes, writable: false))
        : throw new InvalidOperationException("A stored content row names neither an object nor bytes.");

    public async Task<byte[]> ReadAllAsync(string? key, byte[]? bytes, CancellationToken ct)
    {
        if (key is null) return bytes ?? throw new InvalidOperationException("A stored content row names neither an object nor bytes.");
        await using var stream = await store.OpenReadAsync(key, ct);
        using var buffer = stream.CanSeek ? new MemoryStream(checked((int)stream.Length)) : new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    /// <summary>SHA-256 (hex) of what a row names, read as a stream.</summary>
    public async Task<string> Sha256Async(string? key, byte[]? bytes, CancellationToken ct)
    {
        await using var stream = await OpenAsync(key, bytes, ct);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    /// <summary>A document's content (upload or scan): 404 `not_found` when the row does not exist.</summary>
    public async Task<Stream> OpenDocumentAsync(IQueryable<DocumentContent> rows, CancellationToken ct)
    {
        var row = await rows.AsNoTracking().Select(c => new { c.StorageKey, c.Bytes }).FirstOrDefaultAsync(ct)
                  ?? throw new DomainException(ErrorCodes.NotFound, "Document introuvable.");
        return await OpenAsync(row.StorageKey, row.Bytes, ct);
    }

    public async Task<byte[]?> ReadDocumentAsync(IQueryable<DocumentContent> rows, CancellationToken ct)
    {
        var row = await rows.AsNoTracking().Select(c => new { c.StorageKey, c.Bytes }).FirstOrDefaultAsync(ct);
        return row is null ? null : await ReadAllAsync(row.StorageKey, row.Bytes, ct);
    }

    public Task<Stream> OpenAsync(SealedDocument document, CancellationToken ct) => OpenAsync(document.StorageKey, document.Bytes, ct);

    public Task<byte[]> ReadAllAsync(SealedDocument document, CancellationToken ct) => ReadAllAsync(document.StorageKey, document.Bytes, ct);

    /// <summary>Writes bytes under a key (before the row that names it is saved).</summary>
    public Task PutAsync(string key, byte[] bytes, CancellationToken ct) => PutAsync(key, new ArraySegment<byte>(bytes), ct);

    /// <summary>Writes part of a buffer (the sealer's output, not copied) under a key.</summary>
    public async Task PutAsync(string key, ArraySegment<byte> bytes, CancellationToken ct)
    {
        using var stream = new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false);
        await store.PutAsync(key, stream, ct);
    }
}
