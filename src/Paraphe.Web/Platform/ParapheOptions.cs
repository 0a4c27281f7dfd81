namespace Paraphe.Web.Platform;

/// <summary>The `Paraphe` configuration section (see README: Configuration).</summary>
public sealed class ParapheOptions
{
    public const string Section = "Paraphe";

    /// <summary>Where the SQLite file, keys and the dev certificate live.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>`sqlite` (default) or `postgres`; a PostgreSQL connection string also selects PostgreSQL.</summary>
    public string? Database { get; set; }

    /// <summary>Used to build signing links and provider callback URLs.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>Base64 key (32 bytes) from which signing links are derived; generated into the data directory when absent.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Largest PDF accepted, in megabytes.</summary>
    public int MaxUploadMegabytes { get; set; } = 50;

    public DemoOptions Demo { get; set; } = new();

    public sealed class DemoOptions
    {
        /// <summary>When set and the database is empty, "Agence Démo" is created with this API key.</summary>
        public string? ApiKey { get; set; }

        /// <summary>Unset: on everywhere but in Production, where only an explicit `true` turns it on.</summary>
        public bool? Enabled { get; set; }

        public bool IsOn(IHostEnvironment environment) => Enabled ?? !environment.IsProduction();
    }

    public string ResolvedDataDirectory => Path.GetFullPath(DataDirectory);
}
