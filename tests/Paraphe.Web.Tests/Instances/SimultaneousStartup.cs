using Microsoft.EntityFrameworkCore;
using Paraphe.Testing;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Instances;

/// <summary>
/// Two instances started at the same moment on an empty PostgreSQL database (every migration pending): both come up,
/// the schema is complete and the demo agency exists once. Several rounds, each on a fresh database: a race is lost
/// only sometimes.
/// </summary>
[Collection(Name)]
public sealed class SimultaneousStartup
{
    public const string Name = "simultaneous-startup";

    [Fact]
    public async Task TwoInstancesMigratingAnEmptyDatabaseAtOnceBothStart()
    {
        var cluster = await PostgresCluster.SharedAsync();
        for (var round = 1; round <= 4; round++)
        {
            var connectionString = await cluster.CreateUniqueDatabaseAsync("startup");
            var settings = InstanceApp.SharedSettings();
            await using var first = new InstanceApp(connectionString, settings);
            await using var second = new InstanceApp(connectionString, settings, clockOf: first);

            var starts = new[] { Task.Run(first.InitializeAsync), Task.Run(second.InitializeAsync) };
            try
            {
                await Task.WhenAll(starts);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"Round {round}: an instance did not start: {e}");
            }

            Assert.Empty(await first.DbAsync(db => db.Database.GetPendingMigrationsAsync()));
            Assert.Equal(1, await second.DbAsync(db => db.Agencies.CountAsync())); // the demo agency, seeded once
            Assert.Equal(1, await second.DbAsync(db => db.Users.IgnoreQueryFilters().CountAsync(u => u.Email == DemoAgency.Email)));
            // Both answer requests on the one database.
            foreach (var app in new[] { first, second })
                Assert.NotEmpty((await app.Api().UploadPdfAsync()).Str("id"));
        }
    }
}
