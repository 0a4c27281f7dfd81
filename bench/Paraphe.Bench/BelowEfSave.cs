using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Paraphe.Data;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;

namespace Paraphe.Bench;

/// <summary>
/// « Below EF » (issue 12, sixth round; a measurement only, `PARAPHE_BENCH_BELOW_EF=1`): the entities of one create +
/// launch, as <see cref="BareSave"/> rebuilds them, written in one transaction by the same bare context — the
/// procedure and its signers through EF's save, the 17 launch rows (6 messages, their 6 events, 5 audit events) by
/// prepared INSERT commands kept per connection, their columns, value converters and parameter types read from EF's
/// model (as the callbacks' DeliveryWrite does). The A/B against <see cref="BareSave"/> (all 21 through EF's save) says
/// what writing the launch's rows below EF's save would take off an operation, before any product code is written.
/// SQLite: one command per row (as EF sends them); PostgreSQL: one batch of the 17 one-row statements, positional parameters.
/// </summary>
public sealed class BelowEfSave
{
    public static readonly bool On = Environment.GetEnvironmentVariable("PARAPHE_BENCH_BELOW_EF") == "1";

    /// <summary>The entity types written below EF's save, in the order their foreign keys need.</summary>
    private static readonly Type[] Below = [typeof(Notification), typeof(NotificationEvent), typeof(AuditEvent)];

    private readonly RowReplay _captured;
    private readonly PooledDbContextFactory<ParapheDbContext> _pool;
    private readonly ITenant _tenant;

    private readonly bool _tracked;

    /// <param name="tracked">Whether the 17 rows are tracked as added first (as the app's entities are, through the
    /// save's interceptors) and detached just before EF's save writes the others: what a product change would still pay.</param>
    public BelowEfSave(BenchApp app, RowReplay captured, bool tracked = false)
    {
        _captured = captured;
        _tracked = tracked;
        (_pool, _tenant) = BareSave.Pool(app);
    }

    public async Task SaveAsync()
    {
        await using var db = _pool.CreateDbContext();
        db.Lease(_tenant, TimeProvider.System);
        var below = new List<BareSave.Row>(17);
        foreach (var row in BareSave.Rebuild(_captured, new Dictionary<string, string>()))
            if (Array.IndexOf(Below, row.Type.ClrType) < 0) BareSave.Attach(db, row);
            else
            {
                below.Add(row);
                if (_tracked) BareSave.Attach(db, row);
            }
        if (_tracked)
        {
            db.ChangeTracker.DetectChanges(); // the save's first pass sees them (DetectOnce)
            foreach (var row in below) db.Entry(row.Entity).State = EntityState.Detached;
        }
        below.Sort((a, b) => Array.IndexOf(Below, a.Type.ClrType) - Array.IndexOf(Below, b.Type.ClrType));

        await using var tx = await db.Database.BeginTransactionAsync();
        await db.SaveChangesAsync();
        var plan = Plans.GetValue(db.Model, _ => new Plan(db));
        var connection = db.Database.GetDbConnection();
        var commands = Commands.GetValue(connection, _ => []);
        var batches = Batches.GetValue(connection, _ => []);
        if (plan.IsSqlite)
            foreach (var row in below)
            {
                var table = plan.Tables[row.Type.ClrType];
                // Per native handle: Microsoft.Data.Sqlite forgets a command's prepared statements only at the first
                // close, so a kept command must never run on a handle it was not prepared on (another client's, pooled).
                var command = Command(commands, (((Microsoft.Data.Sqlite.SqliteConnection)connection).Handle, row.Type.ClrType),
                    connection, [table], plan);
                command.Transaction = tx.GetDbTransaction();
                table.Bind(command.Parameters, 0, row);
                await command.ExecuteNonQueryAsync();
                CommandCounter.Instance.Add();
            }
        else
        {
            // One batch of one-row statements with positional parameters (no SQL rewriting by Npgsql), one round trip.
            var shape = new StringBuilder();
            foreach (var row in below) shape.Append(row.Type.ClrType.Name).Append(',');
            var key = shape.ToString();
            if (!batches.TryGetValue(key, out var batch))
            {
                var npgsql = (Npgsql.NpgsqlConnection)connection;
                batch = npgsql.CreateBatch();
                foreach (var row in below) batch.BatchCommands.Add(plan.Tables[row.Type.ClrType].Positional(npgsql));
                batches[key] = batch;
            }
            batch.Transaction = (Npgsql.NpgsqlTransaction)tx.GetDbTransaction();
            for (var i = 0; i < below.Count; i++) plan.Tables[below[i].Type.ClrType].Bind(batch.BatchCommands[i].Parameters, 0, below[i]);
            await batch.ExecuteNonQueryAsync();
            CommandCounter.Instance.Add();
        }
        await tx.CommitAsync();
    }

    /// <summary>The command for <paramref name="key"/> on <paramref name="connection"/>, built once (text, typed parameters).</summary>
    private static DbCommand Command(Dictionary<object, DbCommand> commands, object key, DbConnection connection, Table[] tables, Plan plan)
    {
        if (commands.TryGetValue(key, out var known)) return known;
        var command = connection.CreateCommand();
        var sql = new StringBuilder();
        var n = 0;
        foreach (var table in tables) n = table.Append(sql, command, n, plan.Sql);
        command.CommandText = sql.ToString();
        commands[key] = command;
        return command;
    }

    private static readonly ConditionalWeakTable<DbConnection, Dictionary<object, DbCommand>> Commands = [];
    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, Npgsql.NpgsqlBatch>> Batches = [];
    private static readonly ConditionalWeakTable<IModel, Plan> Plans = [];

    private sealed class Plan
    {
        public Plan(ParapheDbContext db)
        {
            Sql = db.GetService<ISqlGenerationHelper>();
            IsSqlite = db.Database.IsSqlite();
            foreach (var type in Below) Tables[type] = new Table(db.Model.FindEntityType(type)!, Sql);
        }

        public ISqlGenerationHelper Sql { get; }
        public bool IsSqlite { get; }
        public Dictionary<Type, Table> Tables { get; } = [];
    }

    /// <summary>One table's INSERT as EF's model maps it: every column but a generated key, each with its type mapping.</summary>
    private sealed class Table(IEntityType type, ISqlGenerationHelper sql)
    {
        private readonly IProperty[] _columns = type.GetProperties()
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never)).ToArray();
        private readonly string _name = sql.DelimitIdentifier(type.GetTableName()!, type.GetSchema());

        /// <summary>Appends the INSERT and adds its parameters, numbered from <paramref name="n"/>; returns the next number.</summary>
        public int Append(StringBuilder text, DbCommand command, int n, ISqlGenerationHelper helper)
        {
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            text.Append("INSERT INTO ").Append(_name).Append(" (")
                .AppendJoin(", ", _columns.Select(p => helper.DelimitIdentifier(p.GetColumnName(table)!))).Append(") VALUES (");
            for (var i = 0; i < _columns.Length; i++)
            {
                var name = "p" + n++;
                var parameter = _columns[i].GetRelationalTypeMapping()
                    .CreateParameter(command, helper.GenerateParameterName(name), null, _columns[i].IsNullable);
                command.Parameters.Add(parameter);
                text.Append(i == 0 ? "" : ", ").Append(helper.GenerateParameterNamePlaceholder(name));
            }
            text.Append(");\n");
            return n;
        }

        /// <summary>PostgreSQL: the INSERT as one batch command, positional parameters ($1…) typed by EF's mapping.</summary>
        public Npgsql.NpgsqlBatchCommand Positional(Npgsql.NpgsqlConnection connection)
        {
            using var factory = connection.CreateCommand();
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            var command = new Npgsql.NpgsqlBatchCommand("INSERT INTO " + _name + " (" +
                string.Join(", ", _columns.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!))) + ") VALUES (" +
                string.Join(", ", _columns.Select((_, i) => "$" + (i + 1))) + ")");
            foreach (var p in _columns)
                command.Parameters.Add((Npgsql.NpgsqlParameter)p.GetRelationalTypeMapping().CreateParameter(factory, "", null, p.IsNullable));
            return command;
        }

        /// <summary>Sets the row's values (converted to the provider's type as EF would) from <paramref name="offset"/>.</summary>
        public int Bind(DbParameterCollection parameters, int offset, BareSave.Row row)
        {
            foreach (var p in _columns)
            {
                var value = p.IsShadowProperty()
                    ? row.Shadow.First(s => s.Name == p.Name).Value
                    : p.GetGetter().GetClrValueUsingContainingEntity(row.Entity);
                if (value is not null && p.GetRelationalTypeMapping().Converter is { } converter) value = converter.ConvertToProvider(value);
                parameters[offset++].Value = value ?? DBNull.Value;
            }
            return offset;
        }
    }
}
