using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Platform;

/// <summary>
/// Issue 12 (sign9): the app's SQLite connections are made without EF's SQL functions for <c>decimal</c> columns and
/// <c>Regex.IsMatch</c> (<see cref="SqliteConnections"/>), which Microsoft.Data.Sqlite would otherwise register at every
/// open and remove at every close. Safe only while the model needs none of them: the first test fails the day a
/// <c>decimal</c> property is added (then drop the change or register what it needs); a query with a regular expression
/// would fail every SQLite test that runs it. What EF's own connection did besides (the command timeout as the
/// connection's default, hence the busy wait's bound) is kept. SQLite only.
/// </summary>
[Collection(SqliteCollection.Name)]
public sealed class SqliteConnectionsTests(SqliteApp app)
{
    [Fact]
    public async Task TheModelHasNoDecimalPropertyForWhichEfWouldNeedItsSqlFunctions()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        var decimals = db.Model.GetEntityTypes()
            .SelectMany(t => t.GetProperties().Select(p => (Type: t.DisplayName(), Property: p)))
            .Where(x => IsDecimal(x.Property.ClrType) || IsDecimal(x.Property.GetProviderClrType()))
            .Select(x => $"{x.Type}.{x.Property.Name}")
            .ToList();
        Assert.True(db.Model.GetEntityTypes().Count() > 10, "the model was not read");
        Assert.True(decimals.Count == 0,
            $"decimal properties need EF's SQLite functions (ef_compare, ef_add…, EF_DECIMAL), which SqliteConnections leaves out: {string.Join(", ", decimals)}");
    }

    private static bool IsDecimal(Type? type) => type is not null && (Nullable.GetUnderlyingType(type) ?? type) == typeof(decimal);

    [Theory]
    [InlineData("SELECT regexp('a', 'a')", "regexp")]
    [InlineData("SELECT ef_compare(1, 2)", "ef_compare")]
    [InlineData("SELECT ef_add(1, 2)", "ef_add")]
    [InlineData("SELECT ef_sum(1)", "ef_sum")]
    [InlineData("SELECT '1' < '2' COLLATE EF_DECIMAL", "EF_DECIMAL")]
    public async Task TheAppsConnectionsCarryNoneOfEfsUnusedFunctions(string sql, string name)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            var error = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteScalarAsync());
            Assert.Contains(name, error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("no such", error.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        // The connection still works, and still waits with SQLite's busy handler.
        Assert.Equal(((SqliteConnection)db.Database.GetDbConnection()).DefaultTimeout * 1000L, await SqliteBusyWaits.BusyTimeoutAsync(db));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(120)]
    public async Task AConfiguredCommandTimeoutIsStillTheConnectionsDefaultAndBoundsItsBusyWait(int seconds)
    {
        string connectionString;
        await using (var scope = app.Services.CreateAsyncScope())
            connectionString = scope.ServiceProvider.GetRequiredService<ParapheDbContext>().Database.GetConnectionString()!;
        var builder = new DbContextOptionsBuilder<ParapheDbContext>().UseSqlite(connectionString, o => o.CommandTimeout(seconds));
        builder.UseParapheSqliteConnections();
        await using var db = new ParapheDbContext(builder.Options).Lease(NoTenant.Instance, TimeProvider.System);
        Assert.Equal(seconds, ((SqliteConnection)db.Database.GetDbConnection()).DefaultTimeout);
        Assert.Equal(seconds * 1000L, await SqliteBusyWaits.BusyTimeoutAsync(db));
        // An ordinary query of the model still runs on it.
        Assert.True(await db.Agencies.IgnoreQueryFilters().CountAsync() >= 0);
    }
}
