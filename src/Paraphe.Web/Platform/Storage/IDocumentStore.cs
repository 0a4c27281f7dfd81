using System.Text.RegularExpressions;
using Paraphe.Domain;

namespace Paraphe.Web.Platform.Storage;

/// <summary>
/// Where document bytes live (uploads, scans, sealed documents): a flat namespace of keys built by
/// <see cref="StorageKeys"/>, never from a request. An object is written (complete) before the row that names it
/// commits, so a row never names a missing or partial object; a crash in between leaves an orphan object that no row
/// names, which is harmless. Objects are immutable: a key is written once with its final bytes.
/// </summary>
public interface IDocumentStore
{
    /// <summary>`filesystem` or `s3`.</summary>
    string Provider { get; }

    /// <summary>Writes the whole stream (read from its current position to its end) under <paramref name="key"/>.</summary>
    /// <exception cref="StorageUnavailableException">the store cannot be written (down, full, refused).</exception>
    Task PutAsync(string key, Stream content, CancellationToken ct);

    /// <summary>A stream of the object's bytes; the caller disposes it.</summary>
    /// <exception cref="StorageUnavailableException">the store cannot be read.</exception>
    /// <exception cref="StoredObjectMissingException">no such object (data lost outside Paraphe).</exception>
    Task<Stream> OpenReadAsync(string key, CancellationToken ct);

    Task DeleteAsync(string key, CancellationToken ct);
}

/// <summary>The store cannot be reached or refuses the operation: `503 storage_unavailable` with Retry-After, nothing committed.</summary>
public sealed class StorageUnavailableException(string detail, Exception? inner = null) : Exception(detail, inner)
{
    public const string Code = "storage_unavailable";
    public const int RetryAfterSeconds = 30;
    public const string PersonMessage = "Le stockage des documents est momentanément indisponible. Réessayez dans quelques instants.";

    public DomainException ToDomain() => new(Code, PersonMessage);
}

/// <summary>A row names an object the store does not have: lost outside Paraphe (a bucket emptied, a file deleted).</summary>
public sealed class StoredObjectMissingException(string key, Exception? inner = null)
    : Exception($"The stored object {key} is missing from the document store.", inner);

/// <summary>
/// The only way keys are made: `documents/{agency}/{document}.pdf` and `sealed/{agency}/{procedure}/{sha256}.pdf`
/// (a sealed document's key carries its hash: two workers racing on one seal never overwrite each other's object).
/// Every part is an id of Paraphe's own alphabet; <see cref="Check"/> refuses anything else before it reaches a store.
/// </summary>
public static partial class StorageKeys
{
    public static string Document(string agencyId, string documentId) => Check($"documents/{agencyId}/{documentId}.pdf");

    public static string Sealed(string agencyId, string procedureId, string sha256) => Check($"sealed/{agencyId}/{procedureId}/{sha256}.pdf");

    /// <summary>The key itself, or an exception: only `[A-Za-z0-9_-]` segments (a last one ending `.pdf`), no `..`, no empty part.</summary>
    public static string Check(string key)
    {
        if (!Valid(key)) throw new ArgumentException($"Invalid storage key « {key} ».", nameof(key));
        return key;
    }

    public static bool Valid(string? key) => key is { Length: > 0 and <= 300 } && KeyShape().IsMatch(key);

    [GeneratedRegex(@"\A(documents|sealed)(/[A-Za-z0-9_-]{1,100}){1,3}\.pdf\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyShape();
}
