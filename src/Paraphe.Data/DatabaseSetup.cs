using Microsoft.EntityFrameworkCore;

namespace Paraphe.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>The provider switch: one DbContext, one migrations assembly per provider.</summary>
public static class DatabaseSetup
{
    public const string SqliteMigrations = "Paraphe.Migrations.Sqlite";
    public const string PostgresMigrations = "Paraphe.Migrations.Postgres";

    /// <summary>`Paraphe:Database=postgres`, or a connection string that looks like PostgreSQL's, selects PostgreSQL.</summary>
    public static DatabaseProvider Detect(string? setting, string connectionString) =>
        setting?.Trim().ToLowerInvariant() switch
        {
            "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
            "sqlite" => DatabaseProvider.Sqlite,
            _ => connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase)
                 || connectionString.Contains("Server=", StringComparison.OrdinalIgnoreCase)
                ? DatabaseProvider.Postgres
                : DatabaseProvider.Sqlite,
        };

    public static DbContextOptionsBuilder Use(this DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString) =>
        provider switch
        {
            DatabaseProvider.Sqlite => options.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrations)),
            DatabaseProvider.Postgres => options.UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgresMigrations)),
        };
}
