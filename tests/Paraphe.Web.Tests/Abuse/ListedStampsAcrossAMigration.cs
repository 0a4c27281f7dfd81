using System.Net;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Tests.Infrastructure;
using Paraphe.Web.Tests.Instances;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 12 (list6): on PostgreSQL the list's stamps statement (<see cref="ListedStamps"/>) is prepared per pooled
/// connection. Another instance's migration that changes the type of a column it returns (the messages' procedure id)
/// makes PostgreSQL refuse it on the connections that hold it (<c>0A000</c>); the list must still answer — the statement
/// prepared afresh — with every procedure.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ListedStampsAcrossAMigration(PostgresApp app)
{
    private readonly Api api = app.Api();

    private static Task AlterProcedureIdAsync(SecondInstance other, string type) =>
        PreparedReadsAcrossAMigration.MigrateAsync(other, "ALTER TABLE notifications ALTER COLUMN \"ProcedureId\" TYPE " + type); // a constant of this test

    [Fact]
    public async Task TheListStillAnswersAfterAnotherInstanceChangesAColumnItsStampsRead()
    {
        var (procedure, _) = await api.LaunchedAsync("remote", signers: 2);
        var id = procedure.Str("id");

        // Several at once, so that several pooled connections prepare the statement.
        async Task<List<(HttpStatusCode Status, string Body)>> BurstAsync() =>
            [.. await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
            {
                using var response = await api.GetAsync("/api/v1/procedures?page_size=100");
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            }))];
        Assert.All(await BurstAsync(), r => Assert.Equal(HttpStatusCode.OK, r.Status));

        await using var other = new SecondInstance(app);
        try
        {
            await AlterProcedureIdAsync(other, "text");
            for (var round = 0; round < 3; round++)
                Assert.All(await BurstAsync(), r =>
                {
                    Assert.True(r.Status == HttpStatusCode.OK, $"{r.Status} after the migration: {r.Body[..Math.Min(300, r.Body.Length)]}");
                    Assert.Contains(id, r.Body, StringComparison.Ordinal);
                });
        }
        finally
        {
            await AlterProcedureIdAsync(other, "character varying(40)");
        }
        Assert.All(await BurstAsync(), r => Assert.Equal(HttpStatusCode.OK, r.Status));
    }
}
