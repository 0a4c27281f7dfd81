using Microsoft.Extensions.Options;
using Paraphe.Web.Platform.Configuration;

namespace Paraphe.Web.Platform.Storage;

/// <summary>The document store (`Paraphe:Storage`), its start-up checks and the migration of bytes out of the database.</summary>
public static class Storage
{
    public static WebApplicationBuilder AddDocumentStorage(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section);
        services.Check<StorageOptions>((o, p) =>
        {
            p.Unless(o.Provider?.Trim().ToLowerInvariant() is StorageOptions.FileSystemProvider or StorageOptions.S3Provider,
                $"Paraphe:Storage:Provider « {o.Provider} » est inconnu : filesystem (dossier des données) ou s3.");
            p.InRange(o.MigrationBatchSize, 1, 1000, "Paraphe:Storage:MigrationBatchSize");
            if (!o.IsS3) return;
            var s3 = o.S3;
            p.Unless(string.IsNullOrWhiteSpace(s3.ServiceUrl)
                     || (Uri.TryCreate(s3.ServiceUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"),
                $"Paraphe:Storage:S3:ServiceUrl « {s3.ServiceUrl} » n'est pas une adresse http(s) absolue (https://s3.fr-par.scw.cloud).");
            p.Unless(!string.IsNullOrWhiteSpace(s3.Bucket),
                "Paraphe:Storage:S3:Bucket est vide : donnez le nom du bucket qui recevra les documents (créé d'avance).");
            p.Unless(!string.IsNullOrWhiteSpace(s3.Region), "Paraphe:Storage:S3:Region est vide : donnez la région du service (us-east-1, fr-par…).");
            p.Unless(!string.IsNullOrWhiteSpace(s3.AccessKey), "Paraphe:Storage:S3:AccessKey est vide : donnez la clé d'accès du service S3.");
            p.Unless(!string.IsNullOrWhiteSpace(s3.SecretKey), "Paraphe:Storage:S3:SecretKey est vide : donnez la clé secrète du service S3.");
            p.InRange(s3.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(30), "Paraphe:Storage:S3:Timeout");
        });
        services.AddSingleton<IDocumentStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            if (o.IsS3) return new S3DocumentStore(o.S3);
            var directory = string.IsNullOrWhiteSpace(o.Directory)
                ? Path.Combine(sp.GetRequiredService<IOptions<ParapheOptions>>().Value.ResolvedDataDirectory, "documents")
                : o.Directory;
            return new FileSystemDocumentStore(directory);
        });
        services.AddSingleton<StoredFiles>();
        services.AddSingleton<StoredContentMigration>();
        services.AddHostedService(sp => sp.GetRequiredService<StoredContentMigration>());
        return builder;
    }
}
