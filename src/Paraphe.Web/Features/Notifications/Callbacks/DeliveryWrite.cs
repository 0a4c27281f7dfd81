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
/// interceptors and logging see it), onto the chain end the read gave. The guarantees of a save, each kept:
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

    /// <summary>Whether the report just applied to <paramref name="n"/> may be written directly.</summary>
    public static bool Applies(ParapheDbContext db, Notification n)
    {
        if (!AttentionTracker.IsGoodNews(n.Status) || n.ProcedureId is null || n.PendingEvents.Count != 1) return false;
        if (db.Database.CurrentTransaction is not null || IdempotencyCommit.IsHolding(db)) return false;
        if (!PlanOf(db).Usable) return false;
        // Nothing else in the unit of work: the message and its new event only.
        foreach (var e in db.ChangeTracker.Entries())
        {
            if (ReferenceEquals(e.Entity, n)) continue;
            if (e.Entity is NotificationEvent { Id: 0 } ne && e.State == EntityState.Added && n.Events.Contains(ne)) continue;
            if (e.State == EntityState.Unchanged || e.State == EntityState.Detached) continue;
            return false;
        }
        return true;
    }

    /// <summary>Writes the report applied to <paramref name="n"/>, chained after (<paramref name="chainSeq"/>, <paramref name="chainHash"/>).</summary>
    public static async Task WriteAsync(ParapheDbContext db, Notification n, int chainSeq, string chainHash, CancellationToken ct)
    {
        var plan = PlanOf(db);
        var procedureId = n.ProcedureId!;
        var pending = n.PendingEvents[0];
        var audit = AuditEvent.Append(chainSeq, chainHash, n.AgencyId, procedureId, pending.Actor, pending.Fact, db.UtcNow);
        var added = n.Events[^1];

        var builder = db.GetService<IRelationalCommandBuilderFactory>().Create();
        var values = new Dictionary<string, object?>();
        var sql = new StringBuilder();
        var entry = db.Entry(n);
        entry.DetectChanges();

        // The message: its changed columns, where its concurrency token still holds what was read.
        sql.Append("UPDATE ").Append(plan.NotificationTable).Append(" SET ");
        var first = true;
        foreach (var p in entry.Properties)
        {
            if (!p.IsModified) continue;
            if (!first) sql.Append(", ");
            first = false;
            sql.Append(plan.Column(p.Metadata)).Append(" = ").Append(Parameter(plan, builder, values, p.Metadata, p.CurrentValue));
        }
        sql.Append(" WHERE ").Append(plan.Column(plan.NotificationKey)).Append(" = ")
            .Append(Parameter(plan, builder, values, plan.NotificationKey, n.Id));
        foreach (var token in plan.NotificationTokens)
            sql.Append(" AND ").Append(plan.Column(token)).Append(" = ")
                .Append(Parameter(plan, builder, values, token, entry.Property(token.Name).OriginalValue));
        sql.Append(";\n");
        Insert(plan, builder, values, sql, plan.Event, added, p => p.Name == nameof(NotificationEvent.NotificationId) ? n.Id : null);
        Insert(plan, builder, values, sql, plan.Audit, audit, _ => null);
        // SQLite: the flag read in the same transaction, after the writes — the write lock is held, so nobody commits
        // in between: what a read right after the commit would see (PostgreSQL reads it after the commit, as before).
        var readFlag = plan.IsSqlite;
        if (readFlag)
            sql.Append("SELECT ").Append(plan.AttentionColumn).Append(" FROM ").Append(plan.ProcedureTable).Append(" WHERE ")
                .Append(plan.ProcedureKeyColumn).Append(" = ").Append(Parameter(plan, builder, values, plan.ProcedureKey, procedureId)).Append(';');
        builder.Append(sql.ToString());

        var flagged = false;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var parameters = new RelationalCommandParameterObject(db.GetService<IRelationalConnection>(), values, null, db,
                db.GetService<IRelationalCommandDiagnosticsLogger>());
            int affected;
            await using (var reader = await builder.Build().ExecuteReaderAsync(parameters, ct))
            {
                var r = reader.DbDataReader;
                if (readFlag && await r.ReadAsync(ct)) flagged = !r.IsDBNull(0) && Convert.ToBoolean(r.GetValue(0));
                while (await r.NextResultAsync(ct)) { }
                affected = r.RecordsAffected;
            }
            // The two inserts always write their row: fewer than three means the message changed since it was read.
            if (affected != 3) throw new DbUpdateConcurrencyException("The message changed since it was read; read it again.");
            await tx.CommitAsync(ct);
        }

        // Committed: the context is left as after a save of these rows (nothing pending), then the save's follow-ups.
        n.ClearPendingEvents();
        db.ChangeTracker.Clear();
        var followUps = FollowUpsOf(db);
        if (n.Status == DeliveryStatus.Delivered) followUps.Metrics?.Committed([n]);
        if (followUps.Attention is { } attention)
        {
            if (!readFlag) await attention.AfterCommitAsync(db, [], [procedureId], ct);
            else if (flagged) await attention.AfterCommitAsync(db, [procedureId], [], ct);
        }
    }

    private static void Insert(Plan plan, IRelationalCommandBuilder builder, Dictionary<string, object?> values, StringBuilder sql,
        IEntityType type, object row, Func<IProperty, object?> given)
    {
        var columns = plan.InsertColumns[type];
        sql.Append("INSERT INTO ").Append(plan.Table(type)).Append(" (");
        for (var i = 0; i < columns.Count; i++) sql.Append(i == 0 ? "" : ", ").Append(plan.Column(columns[i]));
        sql.Append(") VALUES (");
        for (var i = 0; i < columns.Count; i++)
        {
            var p = columns[i];
            sql.Append(i == 0 ? "" : ", ").Append(Parameter(plan, builder, values, p, given(p) ?? p.GetGetter().GetClrValueUsingContainingEntity(row)));
        }
        sql.Append(");\n");
    }

    private static string Parameter(Plan plan, IRelationalCommandBuilder builder, Dictionary<string, object?> values, IProperty p, object? value)
    {
        var name = "p" + values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.AddParameter(name, plan.Sql.GenerateParameterName(name), p.GetRelationalTypeMapping(), p.IsNullable);
        values[name] = value;
        return plan.Sql.GenerateParameterNamePlaceholder(name);
    }

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

    /// <summary>Tables, columns and the follow-ups, per model (one per database provider), read from EF's own mapping.</summary>
    private sealed class Plan
    {
        public Plan(ParapheDbContext db)
        {
            Sql = db.GetService<ISqlGenerationHelper>();
            IsSqlite = db.Database.IsSqlite();
            var model = db.Model;
            Notification = model.FindEntityType(typeof(Notification))!;
            Event = model.FindEntityType(typeof(NotificationEvent))!;
            Audit = model.FindEntityType(typeof(AuditEvent))!;
            var procedure = model.FindEntityType(typeof(Procedure))!;
            NotificationKey = Notification.FindPrimaryKey()!.Properties.Single();
            NotificationTokens = Notification.GetProperties().Where(p => p.IsConcurrencyToken).ToList();
            NotificationTable = Table(Notification);
            ProcedureTable = Table(procedure);
            ProcedureKey = procedure.FindPrimaryKey()!.Properties.Single();
            ProcedureKeyColumn = Column(ProcedureKey);
            AttentionColumn = Column(procedure.FindProperty(ProcedureAttention.Column)!);
            foreach (var type in new[] { Event, Audit })
                InsertColumns[type] = type.GetProperties().Where(p => !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never)).ToList();
            // A column the entity does not hold (a shadow property) would be written as its default: not this path.
            Usable = InsertColumns.Values.All(c => c.All(p => !p.IsShadowProperty()))
                     && Notification.GetProperties().All(p => p.IsPrimaryKey() || !p.IsShadowProperty());
        }

        public ISqlGenerationHelper Sql { get; }
        public bool IsSqlite { get; }
        public bool Usable { get; }
        public IEntityType Notification { get; }
        public IEntityType Event { get; }
        public IEntityType Audit { get; }
        public IProperty NotificationKey { get; }
        public List<IProperty> NotificationTokens { get; }
        public string NotificationTable { get; }
        public string ProcedureTable { get; }
        public IProperty ProcedureKey { get; }
        public string ProcedureKeyColumn { get; }
        public string AttentionColumn { get; }
        public Dictionary<IEntityType, List<IProperty>> InsertColumns { get; } = [];

        public string Table(IEntityType type) => Sql.DelimitIdentifier(type.GetTableName()!, type.GetSchema());

        public string Column(IProperty p)
        {
            var type = (IEntityType)p.DeclaringType;
            return Sql.DelimitIdentifier(p.GetColumnName(StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema()))!);
        }
    }
}
