using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Alerts;

/// <summary>
/// Whether a signer's channel is known bad: a message on it failed for a reason that will not go away by waiting (the
/// mailbox or the domain does not exist, the number does not exist, is a landline or was refused as malformed). A
/// blocked email, a filtered SMS or a phone that was off are not: the next message may arrive.
/// </summary>
public static class ContactReach
{
    public static bool IsKnownBad(Notification n) => n.Status == DeliveryStatus.Failed && (n.Channel, n.FailureKind) switch
    {
        (Channel.Email, DeliveryFailure.MailboxUnknown or DeliveryFailure.DomainUnknown or DeliveryFailure.InvalidAddress) => true,
        (Channel.Sms, DeliveryFailure.SmsUnknownNumber or DeliveryFailure.SmsLandline or DeliveryFailure.InvalidAddress) => true,
        _ => false,
    };

    /// <summary>Both channels known bad among one signer's messages: nobody can reach them until the contact is corrected.</summary>
    public static bool Unreachable(IEnumerable<Notification> signerMessages)
    {
        var bad = signerMessages.Where(IsKnownBad).Select(n => n.Channel).ToHashSet();
        return bad.Contains(Channel.Email) && bad.Contains(Channel.Sms);
    }
}
