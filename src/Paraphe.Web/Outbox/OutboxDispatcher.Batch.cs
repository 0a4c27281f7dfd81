using Microsoft.EntityFrameworkCore;
using Paraphe.Data;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Outbox;

/// <summary>What a batch reads once for all its messages: their facts, the chain ends its record extends; and the scope a message opens only when it needs the database.</summary>
public sealed partial class OutboxDispatcher
{
    /// <summary>What the batch's messages are about, read once for the batch with its claim.</summary>
    private sealed record BatchFacts(Dictionary<string, Procedure> Procedures, Dictionary<string, Domain.Agencies.Agency> Agencies,
        Dictionary<string, Domain.Agencies.User> Agents)
    {
        /// <summary>The procedure's agent, as <see cref="Alerts.AlertEmails.AgentAsync"/> finds them (same agency), or null.</summary>
        public Domain.Agencies.User? AgentOf(Procedure p) =>
            p.AgentUserId is { } id && Agents.TryGetValue(id, out var u) && u.AgencyId == p.AgencyId ? u : null;
    }

    /// <summary>
    /// A DI scope and its DbContext opened only when a message needs the database (a late turn's renewal, an alert, an
    /// attachment, an account email): an invitation's send needs nothing the batch has not read already.
    /// </summary>
    private sealed class LazyDb(IServiceScopeFactory scopes) : IAsyncDisposable
    {
        private AsyncServiceScope? scope;

        public ParapheDbContext Db => (scope ??= scopes.CreateAsyncScope()).ServiceProvider.GetRequiredService<ParapheDbContext>();

        public ValueTask DisposeAsync() => scope?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    /// <summary>
    /// The ends of the audit chains the record extends, in one read for the batch (instead of one per procedure at the
    /// save): the save chains onto them; if another writer extended one since, the chain's unique index refuses the
    /// write and the save reads that end again (<see cref="ParapheDbContext.KnowChainEnd"/>).
    /// </summary>
    private static async Task KnowChainEndsAsync(ParapheDbContext db, List<string> procedureIds)
    {
        foreach (var (procedureId, (seq, hash)) in await ChainEndsAsync(db, procedureIds, CancellationToken.None))
            db.KnowChainEnd(procedureId, seq, hash);
    }

    /// <summary>The last link (sequence number and hash) of each of these procedures' audit chains, in one read.</summary>
    private static async Task<Dictionary<string, (int Seq, string Hash)>> ChainEndsAsync(ParapheDbContext db, List<string> procedureIds,
        CancellationToken ct)
    {
        if (procedureIds.Count == 0) return [];
        var ends = await db.AuditEvents.IgnoreQueryFilters()
            .Where(e => procedureIds.Contains(e.ProcedureId)
                        && e.Seq == db.AuditEvents.IgnoreQueryFilters().Where(x => x.ProcedureId == e.ProcedureId).Max(x => x.Seq))
            .Select(e => new { e.ProcedureId, e.Seq, e.Hash }).ToListAsync(ct);
        return ends.ToDictionary(e => e.ProcedureId, e => (e.Seq, e.Hash));
    }
}
