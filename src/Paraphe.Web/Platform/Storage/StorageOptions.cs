namespace Paraphe.Web.Platform.Storage;

/// <summary>The `Paraphe:Storage` section: where document bytes live (README: Configuration).</summary>
public sealed class StorageOptions
{
    public const string Section = "Paraphe:Storage";
    public const string FileSystemProvider = "filesystem";
    public const string S3Provider = "s3";

    /// <summary>`filesystem` (default: files under the data directory) or `s3` (any S3-compatible service).</summary>
    public string Provider { get; set; } = FileSystemProvider;

    /// <summary>The filesystem provider's folder; empty means `documents` in the data directory.</summary>
    public string? Directory { get; set; }

    /// <summary>Rows moved out of the database per batch by the start-up migration.</summary>
    public int MigrationBatchSize { get; set; } = 20;

    public S3Options S3 { get; set; } = new();

    public sealed class S3Options
    {
        /// <summary>The endpoint (https://s3.fr-par.scw.cloud, http://127.0.0.1:9000…); empty means AWS for <see cref="Region"/>.</summary>
        public string? ServiceUrl { get; set; }
        public string? Bucket { get; set; }
        public string Region { get; set; } = "us-east-1";
        public string? AccessKey { get; set; }
        public string? SecretKey { get; set; }
        /// <summary>`https://host/bucket/key` instead of `https://bucket.host/key` (MinIO, Garage, s3rver…).</summary>
        public bool ForcePathStyle { get; set; }
        /// <summary>Each HTTP request to the service fails after this (a call makes at most 3: the first and 2 retries).</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);
    }

    public bool IsS3 => string.Equals(Provider?.Trim(), S3Provider, StringComparison.OrdinalIgnoreCase);
}
