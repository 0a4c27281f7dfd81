using System.Globalization;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Procedures;

public sealed partial class Procedure
{
    /// <summary>
    /// The agent reminds one signer, by email and SMS, at most once per <see cref="ProcedureRules.ManualReminderCooldown"/>
    /// since that signer's last reminder, manual or automatic (SPEC: "at most once every 2 days"). Returns the messages
    /// to write in the same transaction. <paramref name="history"/> (the signer's messages so far) keeps a reminder off a
    /// channel known bad (<see cref="ChannelHealth"/>): only SMS after a hard bounce; refused (`contact_unreachable`)
    /// when neither channel can reach the signer.
    /// </summary>
    public IReadOnlyList<Notification> Remind(string signerId, string actor, DateTime now, IEnumerable<Notification>? history = null)
    {
        var signer = Signer(signerId);
        EnsureRemindable(signer, now);
        var health = ChannelHealth.Of(signer, history ?? []);
        if (health.Unreachable)
            throw new DomainException(ErrorCodes.ContactUnreachable,
                $"{signer.DisplayName} ne peut être joint(e) ni par email ni par SMS ({ChannelHealth.EmailReason(health.EmailBad!)}, " +
                $"{ChannelHealth.SmsReason(health.SmsBad!)}) : une relance n'arriverait pas. {health.UnreachableAction}",
                extensions: new Dictionary<string, object?>
                {
                    ["action"] = health.UnreachableAction, ["action_kind"] = ActionKinds.CorrectAndRelaunch, ["signer_id"] = signer.Id,
                });
        if (signer.NextManualReminderAt is { } next && now < next)
            throw new DomainException(ErrorCodes.ReminderCooldown,
                $"{signer.DisplayName} a déjà été relancé(e) il y a moins de 2 jours : prochaine relance possible à partir du {next:yyyy-MM-dd HH:mm} UTC.",
                extensions: new Dictionary<string, object?> { ["next_reminder_at"] = next.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) });
        return RemindSigner(signer, actor, automatic: false, now, health);
    }

    /// <summary>
    /// The automatic reminders due now: every <see cref="ReminderIntervalDays"/> days since the signer's last reminder
    /// (or invitation), at most <see cref="ReminderMax"/> automatic ones per signer; none once the signer answered or
    /// the procedure ended (including past its expiry, before the sweep marks it), none to a signer not yet invited
    /// (sequential order), none on a channel known bad, and none at all to a signer no channel reaches (skipped, not
    /// counted: only corrected coordinates, through a relaunch, help them).
    /// </summary>
    public IReadOnlyList<Notification> DueAutomaticReminders(DateTime now, IEnumerable<Notification>? history = null)
    {
        var messages = history?.ToList() ?? [];
        return DueSigners(now)
            .Select(s => (Signer: s, Health: ChannelHealth.Of(s, messages)))
            .Where(x => !x.Health.Unreachable)
            .SelectMany(x => RemindSigner(x.Signer, "system", automatic: true, now, x.Health))
            .ToList();
    }

    /// <summary>Whether <see cref="DueAutomaticReminders"/> has anyone to look at now (changes nothing).</summary>
    public bool HasDueAutomaticReminders(DateTime now) => DueSigners(now).Count > 0;

    private List<Signer> DueSigners(DateTime now)
    {
        if (!IsOpenForReminders(now)) return [];
        var interval = TimeSpan.FromDays(ReminderIntervalDays);
        return _signers
            .Where(s => s.Status == SignerStatus.Pending && s.AutoRemindersSent < ReminderMax
                        && (s.LastReminderAt ?? s.InvitedAt) is { } since && now - since >= interval)
            .OrderBy(s => s.Order).ToList();
    }

    private bool IsOpenForReminders(DateTime now) =>
        Mode == ProcedureMode.Remote && Status == ProcedureStatus.Ongoing && !(ExpiresAt is { } at && now >= at);

    private void EnsureRemindable(Signer signer, DateTime now)
    {
        if (Mode != ProcedureMode.Remote)
            throw new DomainException(ErrorCodes.InvalidTransition,
                "Seule une procédure « Plus tard par email » envoie des relances : ce signataire n'a pas reçu de lien.");
        var pastExpiry = Status == ProcedureStatus.Ongoing && ExpiresAt is { } at && now >= at;
        if (Status != ProcedureStatus.Ongoing || pastExpiry)
            throw new DomainException(ErrorCodes.InvalidTransition,
                $"Impossible de relancer : la procédure est {Label(pastExpiry ? ProcedureStatus.Expired : Status)}.");
        if (signer.Status != SignerStatus.Pending)
            throw new DomainException(ErrorCodes.InvalidTransition, $"{signer.DisplayName} a déjà répondu : il n'y a rien à relancer.");
        if (IsWaitingForTurn(signer))
            throw new DomainException(ErrorCodes.NotSignerTurn,
                $"La procédure se signe dans l'ordre : {signer.DisplayName} n'a pas encore été invité(e), il (elle) le sera dès que " +
                $"{string.Join(", ", SignersBefore(signer).Select(s => s.DisplayName))} aura signé. Il n'y a rien à relancer.");
    }

    private Notification[] RemindSigner(Signer s, string actor, bool automatic, DateTime now, ChannelHealth health)
    {
        s.RecordReminder(now, automatic);
        var channels = health.UsableChannels;
        Record(actor, new SignerReminded(s.Id, automatic ? "automatic" : "manual", s.RemindersSent, s.Email, s.Mobile,
            channels.Select(c => c == Channel.Email ? "email" : "sms").ToList()));
        return channels.Select(c => Notification.Queue(AgencyId, Id, s.Id, c, Purpose.Reminder,
            c == Channel.Email ? s.Email : s.Mobile, now)).ToArray();
    }
}
