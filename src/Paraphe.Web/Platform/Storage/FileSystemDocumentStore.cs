namespace Paraphe.Web.Platform.Storage;

/// <summary>
/// Objects as files under one folder (default `documents/` in the data directory, 0700): each written to a temporary
/// file (0600) in the same folder, flushed, then renamed over its name, so a reader never sees half a file and a crash
/// leaves at most a `.tmp` that no row names. A key becomes a path only through <see cref="PathOf"/>, which refuses
/// anything that would resolve outside the folder.
/// </summary>
public sealed class FileSystemDocumentStore(string root) : IDocumentStore
{
    private readonly string root = Path.GetFullPath(root);

    public string Provider => StorageOptions.FileSystemProvider;

    public string Root => root;

    public async Task PutAsync(string key, Stream content, CancellationToken ct)
    {
        var path = PathOf(key);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            CreateDirectory(Path.GetDirectoryName(path)!);
            var create = new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous, BufferSize = 0,
            };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = DataFiles.FileMode;
            await using (var file = new FileStream(temp, create))
            {
                await content.CopyToAsync(file, 81920, ct);
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new StorageUnavailableException($"Cannot write {key} under {root}: {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        try
        {
            return Task.FromResult<Stream>(new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan, BufferSize = 0,
            }));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new StoredObjectMissingException(key, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException($"Cannot read {key} under {root}: {e.Message}", e);
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException) { }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException($"Cannot delete {key} under {root}: {e.Message}", e);
        }
        return Task.CompletedTask;
    }

    /// <summary>The file of a key: checked by <see cref="StorageKeys.Check"/>, then resolved and required to stay under the root.</summary>
    public string PathOf(string key)
    {
        StorageKeys.Check(key);
        var path = Path.GetFullPath(Path.Combine(root, key));
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"Storage key « {key} » resolves outside the store.", nameof(key));
        return path;
    }

    private void CreateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, DataFiles.DirectoryMode);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
