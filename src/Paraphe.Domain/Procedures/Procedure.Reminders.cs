using System.Globalization;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Procedures;

public sealed partial class Procedure
{
    /// <summary>
    /// The agent reminds one signer, by email and SMS, at most once per <see cref="ProcedureRules.ManualReminderCooldown"/>
    /// since that signer's last reminder, manual or automatic (SPEC: "at most once every 2 days"). Returns the two
    /// messages to write in the same transaction.
    /// </summary>
    public IReadOnlyList<Notification> Remind(string signerId, string actor, DateTime now)
    {
        var signer = Signer(signerId);
        EnsureRemindable(signer, now);
        if (signer.NextManualReminderAt is { } next && now < next)
            throw new DomainException(ErrorCodes.ReminderCooldown,
                $"{signer.DisplayName} a déjà été relancé(e) il y a moins de 2 jours : prochaine relance possible à partir du {next:yyyy-MM-dd HH:mm} UTC.",
                extensions: new Dictionary<string, object?> { ["next_reminder_at"] = next.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) });
        return RemindSigner(signer, actor, automatic: false, now);
    }

    /// <summary>
    /// The automatic reminders due now: every <see cref="ReminderIntervalDays"/> days since the signer's last reminder
    /// (or invitation), at most <see cref="ReminderMax"/> automatic ones per signer; none once the signer answered or
    /// the procedure ended (including past its expiry, before the sweep marks it).
    /// </summary>
    public IReadOnlyList<Notification> DueAutomaticReminders(DateTime now)
    {
        if (!IsOpenForReminders(now)) return [];
        var interval = TimeSpan.FromDays(ReminderIntervalDays);
        return _signers
            .Where(s => s.Status == SignerStatus.Pending && s.AutoRemindersSent < ReminderMax
                        && (s.LastReminderAt ?? s.InvitedAt) is { } since && now - since >= interval)
            .OrderBy(s => s.Order)
            .SelectMany(s => RemindSigner(s, "system", automatic: true, now))
            .ToList();
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
    }

    private Notification[] RemindSigner(Signer s, string actor, bool automatic, DateTime now)
    {
        s.RecordReminder(now, automatic);
        Record(actor, new SignerReminded(s.Id, automatic ? "automatic" : "manual", s.RemindersSent, s.Email, s.Mobile));
        return
        [
            Notification.Queue(AgencyId, Id, s.Id, Channel.Email, Purpose.Reminder, s.Email, now),
            Notification.Queue(AgencyId, Id, s.Id, Channel.Sms, Purpose.Reminder, s.Mobile, now),
        ];
    }
}
