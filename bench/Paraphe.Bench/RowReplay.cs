using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Paraphe.Bench;

/// <summary>
/// The measured floor of a save: the very statements one `SaveChangesAsync` sent (text and parameters, as EF built
/// them), captured once, then replayed over raw ADO.NET in one durable transaction with fresh keys. What is left is
/// what any implementation pays to write these rows on this database: parse/prepare, index maintenance, the commit.
/// </summary>
public sealed class RowReplay
{
    private readonly IReadOnlyList<Statement> _statements;
    private readonly IReadOnlySet<string> _fresh;
    private static long next;

    private RowReplay(IReadOnlyList<Statement> statements, IReadOnlySet<string> fresh,
        IReadOnlyList<(Microsoft.EntityFrameworkCore.Metadata.IEntityType Type, Microsoft.EntityFrameworkCore.ChangeTracking.PropertyValues Values)> entities)
    {
        _statements = statements;
        _fresh = fresh;
        Entities = entities;
    }

    /// <summary>The added entities of the captured save, as EF was about to write them (for <see cref="BareSave"/>).</summary>
    public IReadOnlyList<(Microsoft.EntityFrameworkCore.Metadata.IEntityType Type, Microsoft.EntityFrameworkCore.ChangeTracking.PropertyValues Values)> Entities { get; }

    /// <summary>Whether <paramref name="value"/> is a key or unique value of the captured rows (replaced on replay).</summary>
    public bool IsFresh(string value) => _fresh.Contains(value);

    /// <summary>A fresh value for <paramref name="old"/>, the same within one <paramref name="renamed"/> map.</summary>
    public static string Freshen(Dictionary<string, string> renamed, string old) => Fresh(renamed, old);

    public int Commands => _statements.Count;

    /// <summary>Runs <paramref name="save"/> (one operation that ends with one SaveChangesAsync) and keeps what it wrote.</summary>
    public static async Task<RowReplay> CaptureAsync(Func<Task> save)
    {
        var capture = new Capture();
        Capturing.Value = capture;
        try { await save(); }
        finally { Capturing.Value = null; }
        if (capture.Statements.Count == 0) throw new InvalidOperationException("The operation wrote nothing.");
        return new RowReplay(capture.Statements, capture.Fresh, capture.Entities);
    }

    /// <summary>The same statements, each key (and each value of a unique index) of the inserted rows replaced by a
    /// fresh one of the same length, in one transaction on a pooled connection.</summary>
    public async Task ReplayAsync(BenchApp app)
    {
        var renamed = new Dictionary<string, string>();
        await using var connection = app.OpenFloorConnection();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var s in _statements)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = s.Text;
            foreach (var p in s.Parameters)
            {
                var copy = command.CreateParameter();
                copy.ParameterName = p.Name;
                copy.DbType = p.Type;
                if (p.NpgsqlType is { } t && copy is NpgsqlParameter np) np.NpgsqlDbType = t;
                copy.Value = p.Value is string v && _fresh.Contains(v) ? Fresh(renamed, v) : p.Value;
                command.Parameters.Add(copy);
            }
            await command.ExecuteNonQueryAsync();
            CommandCounter.Instance.Add();
        }
        await transaction.CommitAsync();
    }

    private static string Fresh(Dictionary<string, string> renamed, string old)
    {
        if (renamed.TryGetValue(old, out var known)) return known;
        var suffix = Interlocked.Increment(ref next).ToString("x12");
        var value = old.Length > suffix.Length ? old[..^suffix.Length] + suffix : suffix;
        renamed[old] = value;
        return value;
    }

    private sealed record Parameter(string Name, System.Data.DbType Type, NpgsqlTypes.NpgsqlDbType? NpgsqlType, object? Value);

    private sealed record Statement(string Text, IReadOnlyList<Parameter> Parameters);

    private sealed class Capture
    {
        public bool Saving;
        public readonly List<Statement> Statements = [];
        public readonly HashSet<string> Fresh = [];
        public readonly List<(Microsoft.EntityFrameworkCore.Metadata.IEntityType, Microsoft.EntityFrameworkCore.ChangeTracking.PropertyValues)> Entities = [];
    }

    private static readonly AsyncLocal<Capture?> Capturing = new();

    /// <summary>Registered on the bench's DbContext; does nothing unless a capture is running in this async flow.</summary>
    public sealed class Interceptor : DbCommandInterceptor, ISaveChangesInterceptor
    {
        public static readonly Interceptor Instance = new();

        public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            if (Capturing.Value is { } c && eventData.Context is { } context)
            {
                c.Saving = true;
                foreach (var entry in context.ChangeTracker.Entries().Where(e => e.State == EntityState.Added))
                {
                    c.Entities.Add((entry.Metadata, entry.CurrentValues.Clone()));
                    var unique = entry.Metadata.GetKeys().SelectMany(k => k.Properties)
                        .Concat(entry.Metadata.GetIndexes().Where(i => i.IsUnique).SelectMany(i => i.Properties));
                    foreach (var property in unique.Distinct())
                        if (entry.Property(property.Name).CurrentValue is string s && s.Length > 0)
                            c.Fresh.Add(s);
                }
            }
            return ValueTask.FromResult(result);
        }

        public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
            CancellationToken cancellationToken = default)
        {
            if (Capturing.Value is { } c) c.Saving = false;
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Keep(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Keep(command);
            return ValueTask.FromResult(result);
        }

        private static void Keep(DbCommand command)
        {
            if (Capturing.Value is not { Saving: true } c) return;
            // Reads inside the save (the head of an audit chain) are not rows written.
            if (!command.CommandText.TrimStart().StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
                && !command.CommandText.Contains("INSERT INTO", StringComparison.OrdinalIgnoreCase)) return;
            c.Statements.Add(new Statement(command.CommandText, command.Parameters.Cast<DbParameter>()
                .Select(p => new Parameter(p.ParameterName, p.DbType, (p as NpgsqlParameter)?.NpgsqlDbType, p.Value)).ToList()));
        }
    }
}
