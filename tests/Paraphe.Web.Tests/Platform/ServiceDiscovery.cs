using System.Net;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Platform;

public abstract class ServiceDiscovery(ParapheApp app)
{
    [Fact]
    public async Task TheOpenApiDocumentDescribesTheProceduresEndpoints()
    {
        var document = await Expect.JsonAsync(await app.Anonymous().GetAsync("/api/v1/openapi.json"), HttpStatusCode.OK);

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/procedures", paths);
        Assert.Contains("/api/v1/procedures/{id}/launch", paths);
    }

    [Fact]
    public async Task HealthAnswers200WithoutAKey()
    {
        var response = await app.Anonymous().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TheApiRootLinksToTheOpenApiDocument()
    {
        var root = await Expect.JsonAsync(await app.Anonymous().GetAsync("/api/v1"), HttpStatusCode.OK);

        Assert.Equal("/api/v1/openapi.json", root.Str("openapi"));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ServiceDiscoveryOnSqlite(SqliteApp app) : ServiceDiscovery(app);

[Collection(PostgresCollection.Name)]
public sealed class ServiceDiscoveryOnPostgres(PostgresApp app) : ServiceDiscovery(app);
