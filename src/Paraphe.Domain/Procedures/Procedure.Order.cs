using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Procedures;

/// <summary>
/// parallel = « Tous en même temps » (every signer invited at launch); sequential = « Dans l'ordre de signature »
/// (signer n + 1 is invited, or may sign face to face, only once signer n has signed).
/// </summary>
public enum SigningOrder { Parallel, Sequential }

public sealed partial class Procedure
{
    public SigningOrder SigningOrder { get; private set; } = SigningOrder.Parallel;

    public bool IsSequential => SigningOrder == SigningOrder.Sequential;

    /// <summary>
    /// Whose turn it is in a sequential procedure: the first pending signer by order (null when none is pending).
    /// In a parallel procedure every pending signer may sign.
    /// </summary>
    public Signer? CurrentSigner => _signers.Where(s => s.Status == SignerStatus.Pending).MinBy(s => s.Order);

    /// <summary>True when this signer must wait for earlier signers (sequential procedures only).</summary>
    public bool IsWaitingForTurn(Signer signer) =>
        IsSequential && signer.Status == SignerStatus.Pending && CurrentSigner is { } current && current.Id != signer.Id;

    /// <summary>The signers before this one who have not signed yet, in order.</summary>
    public IReadOnlyList<Signer> SignersBefore(Signer signer) =>
        _signers.Where(s => s.Order < signer.Order && s.Status == SignerStatus.Pending).OrderBy(s => s.Order).ToList();

    /// <summary>Refuses an action (signing, a code, a reminder) by a signer whose turn has not come.</summary>
    public void EnsureSignerTurn(Signer signer)
    {
        if (!IsWaitingForTurn(signer)) return;
        var before = string.Join(", ", SignersBefore(signer).Select(s => s.DisplayName));
        throw new DomainException(ErrorCodes.NotSignerTurn,
            $"La procédure se signe dans l'ordre : {signer.DisplayName} signera après {before}.");
    }

    public static string Wire(SigningOrder order) => order switch
    {
        SigningOrder.Parallel => "parallel",
        SigningOrder.Sequential => "sequential",
    };

    /// <summary>Remote and sequential: invites the signer whose turn it is now (after launch or a signature).</summary>
    private List<Notification> InviteNextInOrder(string actor, DateTime now)
    {
        if (Mode != ProcedureMode.Remote || !IsSequential || Status != ProcedureStatus.Ongoing) return [];
        if (CurrentSigner is not { InvitedAt: null } next) return [];
        next.MarkInvited(now);
        Record(actor, new SignerInvited(next.Id, next.Order, next.Email, next.Mobile));
        return Invitations(next, now);
    }

    private List<Notification> Invitations(Signer s, DateTime now) =>
    [
        Notification.Queue(AgencyId, Id, s.Id, Channel.Email, Purpose.Invitation, s.Email, now),
        Notification.Queue(AgencyId, Id, s.Id, Channel.Sms, Purpose.Invitation, s.Mobile, now),
    ];
}
