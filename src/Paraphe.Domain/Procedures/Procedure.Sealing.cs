using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Procedures;

public sealed partial class Procedure
{
    /// <summary>SHA-256 of the sealed PDF (stamped, with its evidence page, signed with the platform seal).</summary>
    public string? SealedSha256 { get; private set; }
    public DateTime? SealedAt { get; private set; }

    /// <summary>Completed, waiting for the sealing job (it never runs inside a web request).</summary>
    public bool AwaitsSeal => Status == ProcedureStatus.Completed && SealedAt is null;

    public bool IsSealed => SealedAt is not null;

    /// <summary>
    /// Records the sealed document; returns the completion emails (every signer with an email) that carry its download
    /// link. The agent's copy is the completion alert, raised by `procedure.sealed` (Paraphe.Data's AlertQueue).
    /// Sealing happens once: a second call is refused.
    /// </summary>
    public IReadOnlyList<Notification> RecordSeal(string sha256, long size, bool timestamped, string certificate, DateTime now)
    {
        if (Status != ProcedureStatus.Completed)
            throw new DomainException(ErrorCodes.InvalidTransition, $"Impossible de sceller : la procédure est {Label(Status)}.");
        if (SealedAt is not null)
            throw new DomainException(ErrorCodes.InvalidTransition, "Le document de cette procédure est déjà scellé.");
        SealedSha256 = sha256;
        SealedAt = now;
        Record("system", new ProcedureSealed(sha256, size, timestamped, certificate));
        return _signers.OrderBy(s => s.Order)
            .Where(s => !string.IsNullOrWhiteSpace(s.Email))
            .Select(s => Notification.Queue(AgencyId, Id, s.Id, Channel.Email, Purpose.Completion, s.Email, now))
            .ToList();
    }

    /// <summary>The sealing job gave up after <paramref name="attempts"/> attempts: the agent sees « Scellement en échec ».</summary>
    public void RecordSealingFailure(string reason, int attempts)
    {
        EnsureAwaitsSeal();
        Record("system", new ProcedureSealingFailed(reason, attempts));
    }

    /// <summary>The agent asked for the failed seal to be made again (« Relancer le scellement »).</summary>
    public void RecordSealingRetry(string actor)
    {
        EnsureAwaitsSeal();
        Record(actor, new ProcedureSealingRetried());
    }

    private void EnsureAwaitsSeal()
    {
        if (!AwaitsSeal)
            throw new DomainException(ErrorCodes.InvalidTransition, SealedAt is null
                ? $"Impossible de sceller : la procédure est {Label(Status)}."
                : "Le document de cette procédure est déjà scellé.");
    }

    /// <summary>The signed contract and its evidence, by a download link, to the notary's address.</summary>
    public Notification SendToNotary(string email, string actor, DateTime now)
    {
        if (Status != ProcedureStatus.Completed)
            throw new DomainException(ErrorCodes.InvalidTransition,
                $"Seule une procédure terminée peut être envoyée au notaire : celle-ci est {Label(Status)}.");
        if (SealedAt is null)
            throw new DomainException(ErrorCodes.NotSealed,
                "Le document signé est en cours de scellement : réessayez dans quelques instants.");
        var n = Notification.Queue(AgencyId, Id, null, Channel.Email, Purpose.Notary, email, now);
        Record(actor, new ProcedureSentToNotary(email, n.Id));
        return n;
    }

    /// <summary>Someone opened a download link (a signer, the agent, the notary): the trail says who got the document.</summary>
    public void RecordDownload(string notificationId, string recipient, string? ip)
    {
        if (SealedAt is null)
            throw new DomainException(ErrorCodes.NotSealed, "Le document signé n'est pas encore disponible.");
        Record("link:" + notificationId, new DocumentDownloaded(notificationId, recipient, ip));
    }
}
