using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Documents;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Outbox;

namespace Paraphe.Bench;

/// <summary>One timed operation. Each call is one client doing one thing, start to commit.</summary>
public sealed record Scenario(string Name, string Description, Func<BenchApp, Func<Task>> Prepare);

public static class Scenarios
{
    /// <summary>
    /// The floor: one durable single-row insert in its own transaction, over ADO.NET on a pooled connection, on the
    /// same database. Nothing written by the application can commit faster than this.
    /// </summary>
    public static readonly Scenario Floor = new("floor: 1-row insert",
        "INSERT one row into bench_floor in its own transaction (raw ADO.NET, pooled connection)",
        app =>
        {
            var sql = app.Provider switch
            {
                DatabaseProvider.Sqlite => "INSERT INTO bench_floor (id, at, payload) VALUES ($id, $at, $payload)",
                DatabaseProvider.Postgres => "INSERT INTO bench_floor (id, at, payload) VALUES (@id, @at, @payload)",
            };
            var prefix = app.Provider == DatabaseProvider.Sqlite ? "$" : "@";
            return async () =>
            {
                await using var connection = app.OpenFloorConnection();
                await using var transaction = await connection.BeginTransactionAsync();
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                Add(command, prefix + "id", Interlocked.Increment(ref floorId));
                Add(command, prefix + "at", DateTime.UtcNow.ToString("O"));
                Add(command, prefix + "payload", "bench");
                await command.ExecuteNonQueryAsync();
                CommandCounter.Instance.Add();
                await transaction.CommitAsync();
            };
        });

    /// <summary>
    /// What the issue asks for: one procedure with three remote signers, created and launched in ONE SaveChangesAsync
    /// (procedure, 3 signers, 5 audit events, 6 notifications = outbox rows, 6 notification events), as
    /// `POST /procedures` with `launch: true` does it.
    /// </summary>
    public static readonly Scenario OneTransaction = new("create+launch, 1 tx",
        "POST /procedures with launch: true — CreateProcedure.HandleAsync(…, launcher), one SaveChangesAsync, fresh DI scope",
        app =>
        {
            var request = new CreateProcedure.Request(app.DocumentId, "remote", null, null, null,
                app.ContactIds.Select(id => new CreateProcedure.SignerRequest(id, null, null, null)).ToList(), Launch: true);
            return async () =>
            {
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
                if (DetectProbe.On) DetectProbe.Hook(db);
                var launcher = scope.ServiceProvider.GetRequiredService<LaunchProcedure>();
                await CreateProcedure.HandleAsync(db, app.AgencyId, app.Actor, request, CancellationToken.None, launcher);
                scope.ServiceProvider.GetRequiredService<OutboxSignal>().Notify();
            };
        });

    /// <summary>
    /// The measured floor of create + launch: the INSERT statements its SaveChangesAsync sent (captured once from a
    /// real create + launch), replayed over raw ADO.NET in one durable transaction with fresh keys. No reads, no EF,
    /// no domain: what writing these 21 rows costs on this database.
    /// </summary>
    public static readonly Scenario SameRows = new("floor: same rows, raw ADO.NET, 1 tx",
        "the INSERTs of one create+launch (captured from EF), replayed with fresh keys in one transaction (raw ADO.NET)",
        app =>
        {
            var captured = new Lazy<Task<RowReplay>>(() => RowReplay.CaptureAsync(OneTransaction.Prepare(app)));
            return async () => await (await captured.Value).ReplayAsync(app);
        });

    /// <summary>
    /// Bare EF (issue 12, fourth round): the same 21 entities saved by a pooled context without the app's interceptors
    /// and without the use case (<see cref="BareSave"/>). A measurement of EF's share, never a figure of Paraphe.
    /// </summary>
    public static readonly Scenario BareEf = new("bare EF: same entities, no interceptors, 1 tx",
        "the entities of one create+launch (captured), added with fresh keys to a context without the app's interceptors, one SaveChangesAsync",
        app =>
        {
            var bare = new Lazy<Task<BareSave>>(async () => new BareSave(app, await RowReplay.CaptureAsync(OneTransaction.Prepare(app))));
            return async () => await (await bare.Value).SaveAsync();
        });

    /// <summary>
    /// Below EF (issue 12, sixth round; `PARAPHE_BENCH_BELOW_EF=1`): the same entities as <see cref="BareEf"/>, the
    /// procedure and signers through EF's save, the launch's 17 rows by prepared commands from EF's model, one
    /// transaction (<see cref="BelowEfSave"/>). Its A/B with <see cref="BareEf"/> is what a below-EF write would take off.
    /// </summary>
    public static readonly Scenario BelowEf = new("below EF: 4 rows by EF, 17 prepared, 1 tx",
        "the entities of one create+launch (captured): procedure and signers through EF's save, messages, events and audit events by prepared commands from EF's model, one transaction",
        app =>
        {
            var below = new Lazy<Task<BelowEfSave>>(async () => new BelowEfSave(app, await RowReplay.CaptureAsync(OneTransaction.Prepare(app))));
            return async () => await (await below.Value).SaveAsync();
        });

    /// <summary>The same as <see cref="BelowEf"/>, the 17 rows tracked as added first and detached before EF's save (as
    /// the app's would be, so that its interceptors see them).</summary>
    public static readonly Scenario BelowEfTracked = new("below EF, the 17 tracked first, 1 tx",
        "as « below EF », the 17 rows tracked as added, one DetectChanges, then detached and written by prepared commands",
        app =>
        {
            var below = new Lazy<Task<BelowEfSave>>(async () => new BelowEfSave(app, await RowReplay.CaptureAsync(OneTransaction.Prepare(app)), tracked: true));
            return async () => await (await below.Value).SaveAsync();
        });

    /// <summary>
    /// The API as it is today: POST /procedures then POST /procedures/{id}/launch, i.e. two requests (two DI scopes)
    /// and two commits. Same rows in the end; the draft is visible in between.
    /// </summary>
    public static readonly Scenario ApiPath = new("create, then launch (2 tx)",
        "CreateProcedure.HandleAsync in one scope, LaunchProcedure.HandleAsync in another (as two API calls)",
        app =>
        {
            var request = new CreateProcedure.Request(app.DocumentId, "remote", null, null, null,
                app.ContactIds.Select(id => new CreateProcedure.SignerRequest(id, null, null, null)).ToList());
            return async () =>
            {
                var ct = CancellationToken.None;
                string id;
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<ParapheDbContext>();
                    id = (await CreateProcedure.HandleAsync(db, app.AgencyId, app.Actor, request, ct)).Id;
                }

                await using (var scope = app.Services.CreateAsyncScope())
                    await scope.ServiceProvider.GetRequiredService<LaunchProcedure>().HandleAsync(id, app.Actor, ct);
            };
        });

    /// <summary>The rows measured; <c>PARAPHE_BENCH_ONLY=&lt;text&gt;</c> keeps those whose name contains it (for a profile of
    /// one path: <c>PARAPHE_BENCH_ONLY="create+launch, 1 tx"</c>).</summary>
    public static readonly IReadOnlyList<Scenario> All = Only(
        BelowEfSave.On ? [Floor, SameRows, BareEf, BelowEf, BelowEfTracked, OneTransaction] : [Floor, SameRows, BareEf, OneTransaction, ApiPath]);

    private static Scenario[] Only(Scenario[] all) =>
        Environment.GetEnvironmentVariable("PARAPHE_BENCH_ONLY") is { Length: > 0 } only
            ? all.Where(s => s.Name.Contains(only, StringComparison.Ordinal)).ToArray()
            : all;

    private static long floorId;

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
