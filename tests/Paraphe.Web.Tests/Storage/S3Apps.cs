using Microsoft.AspNetCore.Hosting;
using Paraphe.Testing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Storage;

/// <summary>The app with `Paraphe:Storage:Provider=s3` against its own s3rver on loopback (started before the app, stopped after).</summary>
public abstract class S3App : ParapheApp
{
    private S3rver? s3;

    public S3rver S3 => s3 ?? throw new InvalidOperationException("s3rver not started");

    protected async Task StartS3Async() => s3 = await S3rver.StartAsync();

    public override IReadOnlyDictionary<string, string> StorageSettings => S3.Settings;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (s3 is not null) await s3.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteS3App : S3App
{
    public override string DatabaseName => "sqlite+s3";

    protected override async Task<string?> CreateDatabaseAsync()
    {
        await StartS3Async();
        return null;
    }
}

public sealed class PostgresS3App : S3App
{
    public override string DatabaseName => "postgres+s3";

    protected override async Task<string?> CreateDatabaseAsync()
    {
        await StartS3Async();
        var cluster = await PostgresCluster.SharedAsync();
        return await cluster.CreateUniqueDatabaseAsync("web");
    }
}

[Xunit.CollectionDefinition(Name)]
public sealed class SqliteS3Collection : Xunit.ICollectionFixture<SqliteS3App>
{
    public const string Name = "sqlite-s3";
}

[Xunit.CollectionDefinition(Name)]
public sealed class PostgresS3Collection : Xunit.ICollectionFixture<PostgresS3App>
{
    public const string Name = "postgres-s3";
}
