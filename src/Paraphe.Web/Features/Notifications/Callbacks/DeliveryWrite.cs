using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Paraphe.Data;
using Paraphe.Data.Configurations;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Completion;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Features.Webhooks;
using Paraphe.Web.Platform;
using Paraphe.Web.Platform.Observability;

namespace Paraphe.Web.Features.Notifications.Callbacks;

/// <summary>
/// A provider's good news about a message (`sent`, `delivered`: most delivery events) written without EF's save
/// pipeline (issue 12): the message's update — with its concurrency check on <c>updated_at</c> —, its event and its
/// chained audit event, in <b>one command and one transaction</b> through EF's own relational command (so command
/// interceptors and logging see it), onto the chain end the read gave. On PostgreSQL that command is one statement
/// committing on its own, sent with the « À corriger » flag's read after it in one round trip (<see cref="PipelinedWrite"/>);
/// on SQLite it carries its own transaction (<c>BEGIN IMMEDIATE … COMMIT</c> in the command's text, <see cref="SqliteOwnTransaction"/>),
/// the inserts conditioned on the statement before them having changed one row. The guarantees of a save, each kept:
/// <list type="bullet">
/// <item>One transaction: the three rows commit together or not at all.</item>
/// <item>The audit chain: a writer that extended the chain first makes the unique (procedure_id, seq) index refuse the
/// row; the transaction rolls back and <see cref="DbErrors.RetryOnConflictAsync{T}"/> reads the message and the chain
/// end afresh, as for a save. A message changed since the read (0 rows updated) retries the same way.</item>
/// <item>The save interceptors' effects, from the interceptors' own code: the delivery metric
/// (<see cref="DeliveryMetrics.Committed"/>) and « À corriger » after good news (<see cref="AttentionTracker.AfterCommitAsync"/>:
/// a procedure flagged now is computed again). Good news raises no alert and so no <c>signer.unreachable</c> webhook
/// (<c>AlertQueue</c>: failures only), no procedure webhook (no procedure event), no sealing job; an idempotency key
/// held on the context (<see cref="IdempotencyCommit.IsHolding"/>) sends the write through the save.</item>
/// </list>
/// Everything else — a failure, a deferral, a message of no procedure, anything else tracked or a caller's
/// transaction — goes through <c>SaveChangesAsync</c> as before. <see cref="Reviewed"/> lists the save interceptors
/// whose rules were checked against this path; a test fails when the app registers another.
/// </summary>
internal static class DeliveryWrite
{
    /// <summary>The app's save interceptors this path was checked against (test <c>DeliveryWriteKnowsEverySaveInterceptor</c>).</summary>
    public static readonly IReadOnlyList<Type> Reviewed =
        [typeof(IdempotencyCommit), typeof(DeliveryMetrics), typeof(AttentionTracker), typeof(WebhookEvents), typeof(SealingWakeUp)];

    /// <summary>
    /// Whether a report of <paramref name="status"/> may be written directly on <paramref name="db"/>: good news, no
    /// caller's transaction, no idempotency key to commit with it, nothing else pending in the unit of work. Then the
    /// message is read untracked (<see cref="Before"/> keeps what the write compares with).
    /// </summary>
    public static bool MayTry(ParapheDbContext db, DeliveryStatus status) =>
        AttentionTracker.IsGoodNews(status) && db.Database.CurrentTransaction is null && !IdempotencyCommit.IsHolding(db)
        && PlanOf(db).Usable && !db.ChangeTracker.HasChanges();

    /// <summary>The message's columns as read, before the report changes it (what EF's snapshot would hold).</summary>
    public static object?[] Before(ParapheDbContext db, Notification n)
    {
        var columns = PlanOf(db).NotificationColumns;
        var values = new object?[columns.Length];
        for (var i = 0; i < columns.Length; i++) values[i] = columns[i].GetGetter().GetClrValueUsingContainingEntity(n);
        return values;
    }

    /// <summary>Writes the report applied to <paramref name="n"/> (read as <paramref name="before"/>), chained after
    /// (<paramref name="chainSeq"/>, <paramref name="chainHash"/>).</summary>
    public static async Task WriteAsync(ParapheDbContext db, Notification n, object?[] before, int chainSeq, string chainHash,
        CancellationToken ct)
    {
        var plan = PlanOf(db);
        var procedureId = n.ProcedureId!;
        if (n.PendingEvents.Count != 1) throw new InvalidOperationException("A delivery report adds one audit event.");
        var pending = n.PendingEvents[0];
        var audit = AuditEvent.Append(chainSeq, chainHash, n.AgencyId, procedureId, pending.Actor, pending.Fact, db.UtcNow);
        var added = n.Events[^1];

        // The message's changed columns (as EF's change detection would find them), the same command for the same set.
        var columns = plan.NotificationColumns;
        var now = new object?[columns.Length];
        var changed = 0L;
        for (var i = 0; i < columns.Length; i++)
        {
            now[i] = columns[i].GetGetter().GetClrValueUsingContainingEntity(n);
            if (!Equals(now[i], before[i])) changed |= 1L << i;
        }
        var command = plan.Command(changed);
        var values = new Dictionary<string, object?>(command.Count);
        var k = 0;
        for (var i = 0; i < columns.Length; i++) if ((changed & (1L << i)) != 0) values[Names[k++]] = now[i];
        values[Names[k++]] = n.Id;
        foreach (var token in plan.NotificationTokens) values[Names[k++]] = before[Array.IndexOf(columns, token)];
        foreach (var p in plan.EventColumns)
            values[Names[k++]] = p.Name == nameof(NotificationEvent.NotificationId) ? n.Id : p.GetGetter().GetClrValueUsingContainingEntity(added);
        foreach (var p in plan.AuditColumns) values[Names[k++]] = p.GetGetter().GetClrValueUsingContainingEntity(audit);
        if (plan.IsSqlite) values[Names[k++]] = procedureId;

        var flagged = false;
        if (!plan.IsSqlite)
        {
            // PostgreSQL: the write commits on its own (one statement), and the flag is read after that commit, in the
            // same round trip (PipelinedWrite). Only the update's row lets the inserts write: 1 row is all three.
            var outcome = await PipelinedWrite.RunAsync(db, command.Command, values, plan.FlagSql, procedureId, ct);
            if (outcome.Affected != 1) throw new DbUpdateConcurrencyException("The message changed since it was read; read it again.");
            Committed(db, n);
            if (FollowUpsOf(db).Attention is { } attention)
            {
                if (outcome.Flagged is true) await attention.AfterCommitAsync(db, [procedureId], [], ct);
                // The flag's read failed (the write stands): the tracker reads it itself, and logs.
                else if (outcome.Flagged is null) await attention.AfterCommitAsync(db, [], [procedureId], ct);
            }
            return;
        }
        // SQLite: the command carries its own transaction (BEGIN IMMEDIATE … COMMIT, SqliteOwnTransaction) and runs up to
        // its SELECT inside ExecuteReader (a refused row throws there); COMMIT runs as the reader moves past the SELECT.
        // A command of its own: an EF command reuses one data reader per execution (RelationalCommandPool).
        // On a connection the caller opened: EF would close one it opened itself as soon as the command failed, giving
        // the pool a connection still inside the failed transaction.
        if (db.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
            throw new InvalidOperationException("SQLite's direct write runs on a connection its caller opened.");
        var own = command.Readers.Rent();
        long written;
        try
        {
            await using var reader = await own.ExecuteReaderAsync(ParametersOf(db, values), ct);
            var r = reader.DbDataReader;
            if (!await r.ReadAsync(ct)) throw new InvalidOperationException("The write's closing SELECT returned no row.");
            written = r.GetInt64(0);
            flagged = !r.IsDBNull(1) && Convert.ToBoolean(r.GetValue(1));
            while (await r.NextResultAsync(ct)) { }
        }
        catch
        {
            // A refused row (or anything else) between BEGIN and COMMIT: nothing of the three rows stays.
            SqliteOwnTransaction.RollBackIfOpen(db);
            throw;
        }
        finally
        {
            command.Readers.Return(own);
        }
        // The inserts write only after a row changed: 0 means the update found the message changed since it was read
        // (the transaction committed nothing).
        if (written != 1) throw new DbUpdateConcurrencyException("The message changed since it was read; read it again.");
        Committed(db, n);
        // SQLite read the flag in the write's transaction, after the writes: the write lock was held, so nobody committed
        // in between — what a read right after the commit sees.
        if (flagged && FollowUpsOf(db).Attention is { } tracker) await tracker.AfterCommitAsync(db, [procedureId], [], ct);
    }

    /// <summary>What follows the commit before « À corriger »: the domain's events are written, the delivery metric.</summary>
    private static void Committed(ParapheDbContext db, Notification n)
    {
        n.ClearPendingEvents();
        if (n.Status == DeliveryStatus.Delivered) FollowUpsOf(db).Metrics?.Committed([n]);
    }

    private static readonly string[] Names = Enumerable.Range(0, 64).Select(i => "p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>A prepared command text and its parameters (EF's relational command: immutable, reused with new values).</summary>
    private sealed record Prepared(IRelationalCommand Command, int Count, RelationalCommandPool Readers);

    private static readonly ConditionalWeakTable<IModel, Plan> Plans = [];

    /// <summary>The follow-ups are this context's own save interceptors (per options: per app), never another app's.</summary>
    private sealed record FollowUps(DeliveryMetrics? Metrics, AttentionTracker? Attention);

    private static readonly ConditionalWeakTable<IDbContextOptions, FollowUps> Interceptors = [];

    private static FollowUps FollowUpsOf(ParapheDbContext db) => Interceptors.GetValue(db.GetService<IDbContextOptions>(), options =>
    {
        var all = options.FindExtension<CoreOptionsExtension>()?.Interceptors ?? [];
        return new FollowUps(all.OfType<DeliveryMetrics>().FirstOrDefault(), all.OfType<AttentionTracker>().FirstOrDefault());
    });

    private static Plan PlanOf(ParapheDbContext db) => Plans.GetValue(db.Model, _ => new Plan(db));

    /// <summary>Tables, columns and the commands, per model (one per database provider), read from EF's own mapping.</summary>
    private sealed class Plan
    {
        public Plan(ParapheDbContext db)
        {
            Sql = db.GetService<ISqlGenerationHelper>();
            commands = db.GetService<IRelationalCommandBuilderFactory>();
            IsSqlite = !db.IsPostgres;
            var model = db.Model;
            var notification = model.FindEntityType(typeof(Notification))!;
            var procedure = model.FindEntityType(typeof(Procedure))!;
            NotificationKey = notification.FindPrimaryKey()!.Properties.Single();
            NotificationColumns = notification.GetProperties().Where(p => !p.IsPrimaryKey()).ToArray();
            NotificationTokens = notification.GetProperties().Where(p => p.IsConcurrencyToken).ToList();
            NotificationTable = Table(notification);
            EventTable = Table(model.FindEntityType(typeof(NotificationEvent))!);
            AuditTable = Table(model.FindEntityType(typeof(AuditEvent))!);
            EventColumns = Inserted(model.FindEntityType(typeof(NotificationEvent))!);
            AuditColumns = Inserted(model.FindEntityType(typeof(AuditEvent))!);
            ProcedureTable = Table(procedure);
            ProcedureKey = procedure.FindPrimaryKey()!.Properties.Single();
            AttentionColumn = Column(procedure.FindProperty(ProcedureAttention.Column)!);
            // Positional ($1): Npgsql sends it as is, without rewriting named parameters.
            FlagSql = "SELECT " + AttentionColumn + " FROM " + ProcedureTable + " WHERE " + Column(ProcedureKey) + " = $1";
            // A column the entity does not hold (a shadow property) would be written as its default: not this path.
            Usable = NotificationColumns.Length < 63 && EventColumns.Concat(AuditColumns).Concat(NotificationColumns).All(p => !p.IsShadowProperty())
                     && NotificationTokens.All(t => NotificationColumns.Contains(t));
        }

        /// <summary>PostgreSQL's read of the procedure's « À corriger » flag, after the write's commit (<see cref="PipelinedWrite"/>).</summary>
        public string FlagSql { get; }

        private static List<IProperty> Inserted(IEntityType type) =>
            type.GetProperties().Where(p => !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never)).ToList();

        private readonly IRelationalCommandBuilderFactory commands;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<long, Prepared> prepared = new();

        public ISqlGenerationHelper Sql { get; }
        public bool IsSqlite { get; }
        public bool Usable { get; }
        public IProperty NotificationKey { get; }
        public IProperty[] NotificationColumns { get; }
        public List<IProperty> NotificationTokens { get; }
        public List<IProperty> EventColumns { get; }
        public List<IProperty> AuditColumns { get; }
        private string NotificationTable { get; }
        private string EventTable { get; }
        private string AuditTable { get; }
        private string ProcedureTable { get; }
        private IProperty ProcedureKey { get; }
        private string AttentionColumn { get; }

        /// <summary>
        /// The command for a set of changed columns: the update (where the concurrency token still holds what was read),
        /// the two inserts, and on SQLite the procedure's flag; parameters in that order.
        /// </summary>
        public Prepared Command(long changed) => prepared.GetOrAdd(changed, Build);

        private Prepared Build(long changed)
        {
            var (command, count) = BuildCommand(changed);
            return new Prepared(command, count, new RelationalCommandPool(() => BuildCommand(changed).Command));
        }

        private (IRelationalCommand Command, int Count) BuildCommand(long changed)
        {
            var builder = commands.Create();
            var sql = new StringBuilder();
            var count = 0;
            string Parameter(IProperty p)
            {
                var name = Names[count++];
                builder.AddParameter(name, Sql.GenerateParameterName(name), p.GetRelationalTypeMapping(), p.IsNullable);
                return Sql.GenerateParameterNamePlaceholder(name);
            }
            // PostgreSQL: ONE statement (the inserts read the update's row through a CTE), so that it commits on its own
            // in autocommit — one round trip, no BEGIN, no COMMIT, still one atomic transaction. The inserts write their
            // rows only if the update found the message as read: 0 rows reported means it moved (a retry reads again).
            if (!IsSqlite) sql.Append("WITH u AS (");
            sql.Append("UPDATE ").Append(NotificationTable).Append(" SET ");
            var set = NotificationColumns.Where((_, i) => (changed & (1L << i)) != 0).ToList();
            if (set.Count == 0) throw new InvalidOperationException("A report that changes nothing is not written.");
            sql.AppendJoin(", ", set.Select(p => Column(p) + " = " + Parameter(p)));
            sql.Append(" WHERE ").Append(Column(NotificationKey)).Append(" = ").Append(Parameter(NotificationKey));
            foreach (var token in NotificationTokens) sql.Append(" AND ").Append(Column(token)).Append(" = ").Append(Parameter(token));
            sql.Append(IsSqlite ? ";\n" : " RETURNING 1),\ne AS (");
            foreach (var (table, columns) in new[] { (EventTable, EventColumns), (AuditTable, AuditColumns) })
            {
                sql.Append("INSERT INTO ").Append(table).Append(" (").AppendJoin(", ", columns.Select(Column));
                // SQLite: each insert writes only after the statement before it changed one row (the update, then the event).
                if (IsSqlite) sql.Append(") SELECT ").AppendJoin(", ", columns.Select(Parameter)).Append(" WHERE changes() = 1;\n");
                else
                {
                    // Each parameter goes typed by EF's mapping of its column (as in a VALUES list).
                    sql.Append(") SELECT ").AppendJoin(", ", columns.Select(Parameter)).Append(" FROM u");
                    sql.Append(table == EventTable ? ")\n" : ";");
                }
            }
            if (IsSqlite)
                sql.Append("SELECT changes(), (SELECT ").Append(AttentionColumn).Append(" FROM ").Append(ProcedureTable).Append(" WHERE ")
                    .Append(Column(ProcedureKey)).Append(" = ").Append(Parameter(ProcedureKey)).Append(");\n");
            builder.Append(IsSqlite ? SqliteOwnTransaction.Wrap(sql.ToString()) : sql.ToString());
            return (builder.Build(), count);
        }

        private string Table(IEntityType type) => TableName(Sql, type);

        private string Column(IProperty p) => ColumnName(Sql, p);
    }

    /// <summary>The values of a prepared EF relational command, run on the context's connection, logged and intercepted as EF's own.</summary>
    internal static RelationalCommandParameterObject ParametersOf(ParapheDbContext db, IReadOnlyDictionary<string, object?> values) =>
        new(db.GetService<IRelationalConnection>(), values, null, db, db.GetService<IRelationalCommandDiagnosticsLogger>());

    /// <summary>An entity's table as EF maps it, quoted for this database (also <see cref="ReportedMessageRead"/>'s).</summary>
    internal static string TableName(ISqlGenerationHelper sql, IEntityType type) => sql.DelimitIdentifier(type.GetTableName()!, type.GetSchema());

    /// <summary>A property's column in its entity's table, quoted for this database.</summary>
    internal static string ColumnName(ISqlGenerationHelper sql, IProperty p)
    {
        var type = (IEntityType)p.DeclaringType;
        return sql.DelimitIdentifier(p.GetColumnName(StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema()))!);
    }
}
