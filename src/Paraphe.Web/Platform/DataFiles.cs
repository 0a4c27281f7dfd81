using Microsoft.Data.Sqlite;

namespace Paraphe.Web.Platform;

/// <summary>
/// The data directory holds the database and the keys: the directory is 0700 and the secret files 0600 (Paraphe's
/// user only), whatever the umask, including files an older version created with looser modes.
/// </summary>
public static class DataFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the directory 0700 (or tightens it) and, for SQLite, creates the database file 0600 before SQLite does.</summary>
    public static void PrepareDirectory(string directory, string? sqliteConnectionString)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        Directory.CreateDirectory(directory, DirectoryMode);
        File.SetUnixFileMode(directory, DirectoryMode);
        // SQLite gives -wal and -shm the database file's mode: a 0600 database keeps its companions private too.
        if (SqlitePath(sqliteConnectionString) is { } db && !File.Exists(db))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(db)!, DirectoryMode);
            try
            {
                using var _ = new FileStream(db, new FileStreamOptions
                {
                    Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode,
                });
            }
            catch (IOException) when (File.Exists(db)) { } // another instance created it first
        }
    }

    /// <summary>Tightens the modes of the database files and keys that exist (after migrations opened the database).</summary>
    public static void Secure(string directory, string? sqliteConnectionString)
    {
        if (OperatingSystem.IsWindows()) return;
        var files = new List<string> { Path.Combine(directory, "signing.key") };
        if (SqlitePath(sqliteConnectionString) is { } db) files.AddRange([db, db + "-wal", db + "-shm", db + "-journal"]);
        var sealing = Path.Combine(directory, "sealing");
        if (Directory.Exists(sealing))
        {
            File.SetUnixFileMode(sealing, DirectoryMode);
            files.AddRange(Directory.EnumerateFiles(sealing).Where(f => !f.EndsWith(".pem", StringComparison.OrdinalIgnoreCase)));
        }
        foreach (var file in files.Where(File.Exists))
            if ((File.GetUnixFileMode(file) & ~FileMode) != 0) File.SetUnixFileMode(file, FileMode);
    }

    private static string? SqlitePath(string? connectionString)
    {
        if (connectionString is null) return null;
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return string.IsNullOrEmpty(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            ? null : Path.GetFullPath(source);
    }
}
