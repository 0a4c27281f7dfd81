using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Diagnosis;

/// <summary>
/// Everything the diagnosis of one signer looks at. Email and mobile are the signer's (frozen at launch);
/// <paramref name="Notifications"/> are that signer's messages with their events; <paramref name="Outage"/> is
/// the procedure-wide fact that none of its messages could leave Paraphe; <paramref name="OtpLock"/> says the signer
/// used up their signing codes; <paramref name="WaitingFor"/> names the earlier signers of a sequential procedure this
/// signer waits for (null when it is their turn, or the order is parallel).
/// </summary>
public sealed record DiagnosisFacts(
    ProcedureMode Mode, ProcedureStatus ProcedureStatus, SignerStatus SignerStatus, DateTime? OpenedAt,
    string Email, string Mobile, IReadOnlyList<IMessageFacts> Notifications, ProviderOutage? Outage, OtpLock? OtpLock = null,
    IReadOnlyList<string>? WaitingFor = null)
{
    /// <param name="procedureNotifications">all the procedure's notifications (the signer's are picked out).</param>
    public static DiagnosisFacts Of(Procedure procedure, Signer signer, IReadOnlyCollection<IMessageFacts> procedureNotifications) =>
        Of(procedure, signer, procedureNotifications, ProviderOutage.Detect(procedureNotifications));

    public static DiagnosisFacts Of(Procedure procedure, Signer signer, IEnumerable<IMessageFacts> procedureNotifications,
        ProviderOutage? outage) =>
        new(procedure.Mode, procedure.Status, signer.Status, signer.OpenedAt, signer.Email, signer.Mobile,
            procedureNotifications.Where(n => n.SignerId == signer.Id).ToList(), outage,
            signer.OtpLockedAt is { } at ? new OtpLock(at, signer.OtpSends, signer.OtpWrongEntries) : null,
            procedure.Status == ProcedureStatus.Ongoing && procedure.IsWaitingForTurn(signer)
                ? procedure.SignersBefore(signer).Select(s => s.DisplayName).ToList() : null);
}

/// <summary>The signer's signing codes are locked since <paramref name="At"/>, after so many codes sent and wrong entries.</summary>
public sealed record OtpLock(DateTime At, int CodesSent, int WrongEntries);

/// <summary>
/// None of the procedure's messages left Paraphe: each one is waiting, being retried or given up after errors
/// on our side (the provider down, timing out, refusing our request), and not one was ever accepted.
/// </summary>
/// <param name="Error">the provider's last error.</param>
/// <param name="Since">when the first of those errors happened.</param>
/// <param name="NextAttemptAt">the next retry, or null when Paraphe gave up on every message.</param>
public sealed record ProviderOutage(string? Error, DateTime Since, DateTime? NextAttemptAt)
{
    public static ProviderOutage? Detect(IReadOnlyCollection<IMessageFacts> procedureNotifications)
    {
        if (procedureNotifications.Count == 0 || procedureNotifications.Any(Left)) return null;
        var waiting = procedureNotifications.All(n =>
            n.FailureKind == DeliveryFailure.ProviderError || n.Status is DeliveryStatus.Queued or DeliveryStatus.Sending);
        var failing = procedureNotifications.Where(n => n.FailureKind == DeliveryFailure.ProviderError).ToList();
        if (!waiting || failing.Count == 0) return null;

        var last = failing.MaxBy(n => n.UpdatedAt)!;
        var since = failing.SelectMany(n => n.Events)
            .Where(e => e.Status is DeliveryStatus.Deferred or DeliveryStatus.Failed)
            .Select(e => e.At).DefaultIfEmpty(last.UpdatedAt).Min();
        var retries = procedureNotifications.Where(n => !n.IsFinal()).Select(n => (DateTime?)n.NextAttemptAt).Min();
        return new ProviderOutage(last.Error, since, retries);
    }

    /// <summary>A provider took it at some point (accepted, delivered, or bounced after being accepted).</summary>
    private static bool Left(IMessageFacts n) =>
        n.Status is DeliveryStatus.Sent or DeliveryStatus.Delivered
        || n.Events.Any(e => e.Status is DeliveryStatus.Sent or DeliveryStatus.Delivered);
}
