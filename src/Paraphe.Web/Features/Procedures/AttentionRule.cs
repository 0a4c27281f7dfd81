using Paraphe.Data.Records;
using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// « À corriger »: a procedure needs the agent when the diagnosis holds an error for one of its signers while it is
/// ongoing (an address that does not exist, a number unknown, nothing reaching the client, no message leaving Paraphe,
/// a signer locked out of codes…), or when its signed document could not be sealed. Warnings (not opened yet, deferred)
/// and anything on a finished procedure (the agent decided already) do not count.
/// </summary>
public static class AttentionRule
{
    public static bool NeedsAgent(Procedure p, IReadOnlyCollection<Notification> notifications, SealingJob? job, DateTime now) =>
        NeedsAgent(p, p.Status == ProcedureStatus.Ongoing ? SignerDiagnosis.ForProcedure(p, notifications, now) : null, job);

    /// <param name="diagnosis">the signers' findings, when already computed (needed for an ongoing procedure).</param>
    public static bool NeedsAgent(Procedure p, IReadOnlyDictionary<string, IReadOnlyList<Finding>>? diagnosis, SealingJob? job) =>
        p.Status switch
        {
            ProcedureStatus.Ongoing => diagnosis?.Values.Any(findings => findings.Any(f => f.Severity == Severity.Error)) ?? false,
            ProcedureStatus.Completed => !p.IsSealed && job is { FailedAt: not null, DoneAt: null },
            ProcedureStatus.Draft or ProcedureStatus.Declined or ProcedureStatus.Cancelled or ProcedureStatus.Expired => false,
        };
}
