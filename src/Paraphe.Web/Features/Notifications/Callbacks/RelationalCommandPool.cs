using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore.Storage;

namespace Paraphe.Web.Features.Notifications.Callbacks;

/// <summary>
/// Prepared EF relational commands for concurrent callers. An <see cref="IRelationalCommand"/> reuses one
/// <c>RelationalDataReader</c> across its executions (EF's own commands belong to one query at a time): two requests
/// reading through one shared command close each other's reader. Each caller rents its own, returned after use; the
/// pool grows to the number of concurrent callers.
/// </summary>
internal sealed class RelationalCommandPool(Func<IRelationalCommand> build)
{
    private readonly ConcurrentBag<IRelationalCommand> free = [];

    public IRelationalCommand Rent() => free.TryTake(out var command) ? command : build();

    public void Return(IRelationalCommand command) => free.Add(command);
}
