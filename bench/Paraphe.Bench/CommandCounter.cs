using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Paraphe.Bench;

/// <summary>
/// Counts the commands EF sends (one per round-trip; a batched SaveChanges is one command). BEGIN and COMMIT are not
/// commands here, for EF or for the floor. The only thing the bench adds to the app's DbContext configuration.
/// </summary>
public sealed class CommandCounter : DbCommandInterceptor
{
    public static readonly CommandCounter Instance = new();
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Add() => Interlocked.Increment(ref _count);

    /// <summary>
    /// With `PARAPHE_BENCH_COMMANDS=1`, each command's text (its first 160 characters) is counted too, for
    /// <see cref="Histogram"/>: which statements a benchmark sends, and how often.
    /// </summary>
    private static readonly bool Keep = Environment.GetEnvironmentVariable("PARAPHE_BENCH_COMMANDS") == "1";
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _texts = new();

    private long _sentRecords;

    /// <summary>The dispatcher's set-based records of accepted batches (each its own transaction: one commit, unless a
    /// report moved a message meanwhile and it rolled back — then counted anyway, an upper bound).</summary>
    public long SentRecords => Interlocked.Read(ref _sentRecords);

    private void Add(DbCommand command)
    {
        Add();
        if (command.CommandText.StartsWith(Paraphe.Web.Outbox.OutboxDispatcher.SentRecordMarker, StringComparison.Ordinal))
            Interlocked.Increment(ref _sentRecords);
        if (!Keep) return;
        var text = command.CommandText.ReplaceLineEndings(" ");
        _texts.AddOrUpdate(text.Length > 160 ? text[..160] : text, 1, (_, n) => n + 1);
    }

    /// <summary>The statements counted since the last call (most frequent first), then forgotten; empty unless kept.</summary>
    public IReadOnlyList<(string Text, long Count)> Histogram()
    {
        var all = _texts.ToArray();
        _texts.Clear();
        return all.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value)).ToList();
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return ValueTask.FromResult(result);
    }
}
