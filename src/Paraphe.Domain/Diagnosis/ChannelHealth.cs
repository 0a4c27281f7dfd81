using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Diagnosis;

/// <summary>
/// What Paraphe knows about a signer's email and mobile from <b>all</b> their messages, not the newest one: a channel
/// known bad (the address does not exist or refuses our mail, the number does not exist or is a landline) stays bad
/// until a later message on that channel is delivered to the same address, or the signer's coordinates change (messages
/// to an older address say nothing about the new one). A reminder sent after a hard bounce does not make the bounce go away.
/// </summary>
/// <param name="EmailBad">the failed message that proves the email bad, or null.</param>
/// <param name="SmsBad">the failed message that proves the mobile bad, or null.</param>
public sealed record ChannelHealth(IMessageFacts? EmailBad, IMessageFacts? SmsBad)
{
    public bool EmailKnownBad => EmailBad is not null;
    public bool SmsKnownBad => SmsBad is not null;

    /// <summary>No channel can reach the signer: a reminder would be lost, only corrected coordinates help.</summary>
    public bool Unreachable => EmailKnownBad && SmsKnownBad;

    /// <summary>The channels a message to this signer should still use (both when none is known bad).</summary>
    public IReadOnlyList<Channel> UsableChannels =>
        Unreachable ? [] : EmailKnownBad ? [Channel.Sms] : SmsKnownBad ? [Channel.Email] : [Channel.Email, Channel.Sms];

    public static ChannelHealth Of(Signer signer, IEnumerable<IMessageFacts> messages) =>
        Of(signer.Email, signer.Mobile, messages.Where(n => n.SignerId == signer.Id).ToList());

    public static ChannelHealth Of(string email, string mobile, IReadOnlyCollection<IMessageFacts> signerMessages) =>
        new(KnownBad(signerMessages, Channel.Email, email), KnownBad(signerMessages, Channel.Sms, mobile));

    /// <summary>The message proving <paramref name="address"/> bad on that channel, oldest to newest, or null.</summary>
    public static IMessageFacts? KnownBad(IEnumerable<IMessageFacts> messages, Channel channel, string address)
    {
        if (string.IsNullOrWhiteSpace(address)) return null;
        IMessageFacts? bad = null;
        foreach (var n in messages.Where(n => n.Channel == channel && SameAddress(n.To, address))
                     .OrderBy(n => n.CreatedAt).ThenBy(n => n.Id, StringComparer.Ordinal))
        {
            if (n.Status == DeliveryStatus.Delivered) bad = null;
            else if (n.Status == DeliveryStatus.Failed && IsAddressFailure(channel, n.FailureKind)) bad = n;
        }
        return bad;
    }

    /// <summary>A failure that says the address or number itself is wrong or refused, not that a message was unlucky.</summary>
    public static bool IsAddressFailure(Channel channel, DeliveryFailure kind) => channel switch
    {
        Channel.Email => kind is DeliveryFailure.MailboxUnknown or DeliveryFailure.DomainUnknown or DeliveryFailure.InvalidAddress
            or DeliveryFailure.Blocked or DeliveryFailure.SpamComplaint,
        Channel.Sms => kind is DeliveryFailure.SmsUnknownNumber or DeliveryFailure.InvalidAddress or DeliveryFailure.SmsLandline,
    };

    /// <summary>Why the email is bad, for the agent (« l'adresse email n'existe pas »).</summary>
    public static string EmailReason(IMessageFacts bad) => bad.FailureKind switch
    {
        DeliveryFailure.Blocked or DeliveryFailure.SpamComplaint => "la messagerie du client refuse nos emails",
        _ => "l'adresse email n'existe pas",
    };

    /// <summary>Why the mobile is bad, for the agent (« le numéro de mobile n'existe pas »).</summary>
    public static string SmsReason(IMessageFacts bad) => bad.FailureKind switch
    {
        DeliveryFailure.SmsLandline => "le numéro est une ligne fixe, qui ne reçoit pas de SMS",
        _ => "le numéro de mobile n'existe pas",
    };

    /// <summary>What a reminder did, when it could not use both channels; null when it went by email and SMS.</summary>
    public string? ReminderNote => (EmailBad, SmsBad) switch
    {
        ({ } e, null) => $"Relance envoyée par SMS uniquement : {EmailReason(e)}.",
        (null, { } s) => $"Relance envoyée par email uniquement : {SmsReason(s)}.",
        _ => null,
    };

    /// <summary>The correction to make when nothing reaches the signer.</summary>
    public string UnreachableAction =>
        "Demandez au client une adresse email et un numéro de mobile qui fonctionnent, puis annulez et relancez avec les bonnes coordonnées (Nouvelle procédure corrigée).";

    private static bool SameAddress(string a, string b) =>
        string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
}
