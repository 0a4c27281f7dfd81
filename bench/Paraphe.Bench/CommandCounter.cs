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

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Add();
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Add();
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Add();
        return ValueTask.FromResult(result);
    }
}
