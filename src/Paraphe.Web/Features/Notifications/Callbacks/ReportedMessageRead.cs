using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Paraphe.Data;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;

namespace Paraphe.Web.Features.Notifications.Callbacks;

/// <summary>
/// The untracked read of a reported message (issue 12, fourth round): the same rows as <see cref="DeliveryReports"/>'
/// compiled query — the message, its newest event (status, time, words) and the end of its procedure's audit chain
/// (seq, hash) — in one statement through EF's own relational command (command interceptors and logging see it), read
/// by ordinal and materialised from EF's model (its columns, value conversions and property setters), with no query
/// pipeline, shaper or state manager. The newest event and the chain end are joined on the same indexes as the
/// compiled query's subqueries (`notification_id`, unique `(procedure_id, seq)`). Used where the compiled query ran
/// untracked: a direct write's read (<see cref="DeliveryWrite"/>) and <see cref="DeliveryReports.ExistsAsync"/>. A model
/// this reader cannot follow (a shadow property, a column type it does not read) leaves the compiled query in place
/// (<see cref="Usable"/>); test <c>ReportedMessageReadMatchesTheCompiledQuery</c> pins it to the compiled query, field by field.
/// </summary>
internal static class ReportedMessageRead
{
    public static bool Usable(ParapheDbContext db) => PlanOf(db).Usable;

    /// <summary>By Paraphe's id (and channel) when <paramref name="providerMessageId"/> is null, else by the provider's id.</summary>
    public static async Task<DeliveryReports.Found?> FindAsync(ParapheDbContext db, string? notificationId, string? providerMessageId,
        string provider, Channel channel, CancellationToken ct)
    {
        var plan = PlanOf(db);
        var byId = notificationId is not null;
        var values = new Dictionary<string, object?>(3);
        // Values as the entity holds them: EF's parameters convert them with the column's mapping.
        values["p0"] = byId ? notificationId : providerMessageId;
        if (!byId) values["p2"] = provider;
        values["p1"] = channel;
        var parameters = DeliveryWrite.ParametersOf(db, values);
        var pool = byId ? plan.ById : plan.ByProviderId;
        var command = pool.Rent();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(parameters, ct);
            return await ReadAsync(plan, reader.DbDataReader, ct);
        }
        finally
        {
            pool.Return(command);
        }
    }

    private static async Task<DeliveryReports.Found?> ReadAsync(Plan plan, DbDataReader r, CancellationToken ct)
    {
        if (!await r.ReadAsync(ct)) return null;
        var n = plan.Materialize(r);
        var i = plan.Columns.Length;
        var lastStatus = r.IsDBNull(i) ? (DeliveryStatus?)null : (DeliveryStatus)plan.EventStatus.Read(r, i)!;
        var lastAt = r.IsDBNull(i + 1) ? (DateTime?)null : (DateTime)plan.EventAt.Read(r, i + 1)!;
        var lastDetail = r.IsDBNull(i + 2) ? null : (string?)plan.EventDetail.Read(r, i + 2);
        var chainSeq = r.IsDBNull(i + 3) ? (int?)null : (int)plan.AuditSeq.Read(r, i + 3)!;
        var chainHash = r.IsDBNull(i + 4) ? null : (string?)plan.AuditHash.Read(r, i + 4);
        return new DeliveryReports.Found(n, lastStatus, lastAt, lastDetail, chainSeq, chainHash);
    }

    private static readonly ConditionalWeakTable<IModel, Plan> Plans = [];

    private static Plan PlanOf(ParapheDbContext db) => Plans.GetValue(db.Model, _ => new Plan(db));

    /// <summary>One column as EF maps it: read in its provider type, converted to the property's type, set on the entity.</summary>
    private sealed class Column(IProperty property, Func<DbDataReader, int, object?> read, ValueConverter? converter)
    {
        public IProperty Property { get; } = property;
        // As EF materialises (its default access mode prefers the backing field), else the property's own setter.
        private readonly Action<object, object?> setter = property.FieldInfo is { } field ? field.SetValue
            : property.PropertyInfo?.SetMethod is not null ? property.PropertyInfo.SetValue
            : throw new InvalidOperationException($"{property.Name} cannot be set.");

        public object? Read(DbDataReader r, int i)
        {
            if (r.IsDBNull(i)) return null;
            var value = read(r, i);
            return converter is null ? value : converter.ConvertFromProvider(value);
        }

        public void Set(object entity, object? value) => setter(entity, value);
    }

    private sealed class Plan
    {
        public Plan(ParapheDbContext db)
        {
            var sql = db.GetService<ISqlGenerationHelper>();
            var commands = db.GetService<IRelationalCommandBuilderFactory>();
            var model = db.Model;
            var notification = model.FindEntityType(typeof(Notification))!;
            var eventType = model.FindEntityType(typeof(NotificationEvent))!;
            var audit = model.FindEntityType(typeof(AuditEvent))!;
            var properties = notification.GetProperties().ToList();
            var columns = properties.Select(ColumnOf).ToList();
            var evStatus = ColumnOf(eventType.FindProperty(nameof(NotificationEvent.Status))!);
            var evAt = ColumnOf(eventType.FindProperty(nameof(NotificationEvent.At))!);
            var evDetail = ColumnOf(eventType.FindProperty(nameof(NotificationEvent.Detail))!);
            var auSeq = ColumnOf(audit.FindProperty(nameof(AuditEvent.Seq))!);
            var auHash = ColumnOf(audit.FindProperty(nameof(AuditEvent.Hash))!);
            Usable = properties.All(p => !p.IsShadowProperty() && (p.FieldInfo is not null || p.PropertyInfo?.SetMethod is not null)) && columns.All(c => c is not null)
                     && new[] { evStatus, evAt, evDetail, auSeq, auHash }.All(c => c is not null);
            if (!Usable) return;
            Columns = columns.ToArray()!;
            (EventStatus, EventAt, EventDetail, AuditSeq, AuditHash) = (evStatus!, evAt!, evDetail!, auSeq!, auHash!);
            Key = notification.FindPrimaryKey()!.Properties.Single();
            Channel = notification.FindProperty(nameof(Notification.Channel))!;
            ProviderMessageId = notification.FindProperty(nameof(Notification.ProviderMessageId))!;
            Provider = notification.FindProperty(nameof(Notification.Provider))!;

            string Table(IEntityType t) => DeliveryWrite.TableName(sql, t);
            string Name(IProperty p) => DeliveryWrite.ColumnName(sql, p);
            var eventKey = eventType.FindPrimaryKey()!.Properties.Single();
            var eventMessage = eventType.FindProperty(nameof(NotificationEvent.NotificationId))!;
            var auditProcedure = audit.FindProperty(nameof(AuditEvent.ProcedureId))!;
            var messageProcedure = notification.FindProperty(nameof(Notification.ProcedureId))!;
            var (e, a) = (Table(eventType), Table(audit));
            var select = new StringBuilder("SELECT ")
                .AppendJoin(", ", properties.Select(p => "n." + Name(p)))
                .Append(", e.").Append(Name(evStatus!.Property)).Append(", e.").Append(Name(evAt!.Property))
                .Append(", e.").Append(Name(evDetail!.Property)).Append(", a.").Append(Name(auSeq!.Property))
                .Append(", a.").Append(Name(auHash!.Property))
                .Append(" FROM ").Append(Table(notification)).Append(" n")
                // The newest event: the same row as ORDER BY id DESC LIMIT 1 on the notification_id index.
                .Append(" LEFT JOIN ").Append(e).Append(" e ON e.").Append(Name(eventKey)).Append(" = (SELECT e2.").Append(Name(eventKey))
                .Append(" FROM ").Append(e).Append(" e2 WHERE e2.").Append(Name(eventMessage)).Append(" = n.").Append(Name(Key))
                .Append(" ORDER BY e2.").Append(Name(eventKey)).Append(" DESC LIMIT 1)")
                // The chain's end: the unique (procedure_id, seq) index, newest seq.
                .Append(" LEFT JOIN ").Append(a).Append(" a ON a.").Append(Name(auditProcedure)).Append(" = n.").Append(Name(messageProcedure))
                .Append(" AND a.").Append(Name(auSeq.Property)).Append(" = (SELECT a2.").Append(Name(auSeq.Property))
                .Append(" FROM ").Append(a).Append(" a2 WHERE a2.").Append(Name(auditProcedure)).Append(" = n.").Append(Name(messageProcedure))
                .Append(" ORDER BY a2.").Append(Name(auSeq.Property)).Append(" DESC LIMIT 1)")
                .Append(" WHERE ").ToString();
            IRelationalCommand Build(params (string Name, IProperty Property)[] where)
            {
                var builder = commands.Create();
                foreach (var (name, p) in where)
                    builder.AddParameter(name, sql.GenerateParameterName(name), p.GetRelationalTypeMapping(), p.IsNullable);
                builder.Append(select + string.Join(" AND ", where.Select(w =>
                    "n." + Name(w.Property) + " = " + sql.GenerateParameterNamePlaceholder(w.Name))) + " LIMIT 1");
                return builder.Build();
            }
            ById = new RelationalCommandPool(() => Build(("p0", Key), ("p1", Channel)));
            ByProviderId = new RelationalCommandPool(() => Build(("p0", ProviderMessageId), ("p2", Provider), ("p1", Channel)));
        }

        public bool Usable { get; }
        public Column[] Columns { get; } = [];
        public Column EventStatus { get; } = null!;
        public Column EventAt { get; } = null!;
        public Column EventDetail { get; } = null!;
        public Column AuditSeq { get; } = null!;
        public Column AuditHash { get; } = null!;
        public IProperty Key { get; } = null!;
        public IProperty Channel { get; } = null!;
        public IProperty ProviderMessageId { get; } = null!;
        public IProperty Provider { get; } = null!;
        public RelationalCommandPool ById { get; } = null!;
        public RelationalCommandPool ByProviderId { get; } = null!;

        public Notification Materialize(DbDataReader r)
        {
            var n = (Notification)Activator.CreateInstance(typeof(Notification), nonPublic: true)!;
            for (var i = 0; i < Columns.Length; i++) Columns[i].Set(n, Columns[i].Read(r, i));
            return n;
        }

        /// <summary>The column as EF reads it, or null for a provider type this reader does not know.</summary>
        private static Column? ColumnOf(IProperty p)
        {
            var mapping = p.GetRelationalTypeMapping();
            var converter = mapping.Converter;
            var type = Nullable.GetUnderlyingType(converter?.ProviderClrType ?? mapping.ClrType) ?? converter?.ProviderClrType ?? mapping.ClrType;
            Func<DbDataReader, int, object?>? read =
                type == typeof(string) ? (r, i) => r.GetString(i)
                : type == typeof(DateTime) ? (r, i) => r.GetDateTime(i)
                : type == typeof(int) ? (r, i) => r.GetInt32(i)
                : type == typeof(long) ? (r, i) => r.GetInt64(i)
                : type == typeof(bool) ? (r, i) => r.GetBoolean(i)
                : null;
            return read is null ? null : new Column(p, read, converter);
        }
    }
}
