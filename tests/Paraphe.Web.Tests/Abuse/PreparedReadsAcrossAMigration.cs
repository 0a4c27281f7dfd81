using System.Data.Common;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Tests.Infrastructure;
using Paraphe.Web.Tests.Instances;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 12 (page4): on PostgreSQL the signing routes' one read is a prepared statement (<see cref="PreparedReads"/>;
/// below EF since sign7, so its refusals are counted by <see cref="PreparedReads.ReadAgain"/>).
/// Another instance's migration that changes the type of a column it returns makes PostgreSQL refuse the prepared
/// statement on every connection that holds it (<c>0A000: cached plan must not change result type</c>); the signer's
/// page and view must still answer — read again, prepared afresh — and show the current data.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PreparedReadsAcrossAMigration(PostgresApp app)
{
    private readonly Api api = app.Api();

    private static Task AlterAgencyNameAsync(SecondInstance other, string type) =>
        MigrateAsync(other, "ALTER TABLE agencies ALTER COLUMN \"Name\" TYPE " + type); // a constant of this test

    /// <summary>What a migration run by another instance (a rolling deployment) sends: DDL on its own connection.</summary>
    internal static async Task MigrateAsync(SecondInstance other, string ddl)
    {
        await using var scope = other.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        await db.Database.ExecuteSqlRawAsync(ddl);
    }

    [Fact]
    public async Task AnOpenedLinkStillAnswersAfterAnotherInstanceChangesAColumnItReads()
    {
        var (_, contacts) = await api.LaunchedAsync("remote", signers: 2);
        var token = await api.SigningTokenAsync(contacts[0].Str("email"));
        await using var instance = new AnotherInstance(app);
        var links = instance.Services.GetRequiredService<OpenedLinks>();
        var anonymous = instance.CreateClient();
        var paths = new[] { $"/api/v1/signing/{token}", $"/sign/{token}" };
        await Expect.JsonAsync(await anonymous.GetAsync(paths[0]), HttpStatusCode.OK); // the first opening: the full path

        // Several at once, so that several pooled connections prepare the read.
        async Task<List<(HttpStatusCode Status, string Body)>> BurstAsync() =>
            [.. await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
            {
                using var response = await anonymous.GetAsync(paths[i % 2]);
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            }))];
        Assert.All(await BurstAsync(), r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.True(links.ReadsBelowEf > 0, "the opened link's read should have gone through the prepared path");

        var readAgain = PreparedReads.ReadAgain;
        await using var other = new SecondInstance(app);
        try
        {
            await AlterAgencyNameAsync(other, "text");
            for (var round = 0; round < 3; round++)
            {
                var answers = await BurstAsync();
                Assert.All(answers, r => Assert.True(r.Status == HttpStatusCode.OK, $"{r.Status} after the migration: {r.Body[..Math.Min(300, r.Body.Length)]}"));
                Assert.All(answers.Where((_, i) => i % 2 == 0), r => Assert.Contains("\"agency_name\"", r.Body));
            }
            // The test is worth something only if PostgreSQL did refuse a prepared plan (then the read was sent again).
            Assert.True(PreparedReads.ReadAgain > readAgain, "no prepared read was refused after the column's type changed: the statement was not prepared");
        }
        finally
        {
            await AlterAgencyNameAsync(other, "character varying(200)");
        }
        Assert.All(await BurstAsync(), r => Assert.Equal(HttpStatusCode.OK, r.Status));
    }
}
