using Microsoft.EntityFrameworkCore;

namespace Paraphe.Data;

/// <summary>
/// A save interceptor that keeps something per context between its calls (what a save added, a key to commit…).
/// Contexts are pooled: each lease starts with <see cref="Forget"/>, so nothing an earlier request left (a save that
/// failed, a request that never saved) reaches the next one.
/// </summary>
public interface IContextState
{
    void Forget(DbContext db);
}
