using Paraphe.Domain.Alerts;
using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Domain.Tests.Procedures;

namespace Paraphe.Domain.Tests.Alerts;

/// <summary>When the agent is warned of an expiry, when a signer counts as unreachable, what a personal message may be.</summary>
public class AlertRules
{
    [Fact]
    public void TheExpiryIsWarnedOnceThreeDaysBeforeAndNeverAfterTheEnd()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock); // 30 days
        clock.Advance(TimeSpan.FromDays(27) - TimeSpan.FromMinutes(1));
        Assert.False(p.WarnExpiryIfDue(clock.Now()));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(p.WarnExpiryIfDue(clock.Now()));
        Assert.Contains("procedure.expiring_soon", p.EventTypes());
        Assert.False(p.WarnExpiryIfDue(clock.Now())); // once
        Assert.Equal(clock.Now(), p.ExpiryWarnedAt);
    }

    [Fact]
    public void AShortValidityIsWarnedHalfWayAndAnEndedOneNotAtAll()
    {
        Assert.Equal(TimeSpan.FromDays(1), Procedure.ExpiryWarning(2));
        Assert.Equal(TimeSpan.FromDays(3), Procedure.ExpiryWarning(30));
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        clock.Advance(TimeSpan.FromDays(30));
        Assert.False(p.WarnExpiryIfDue(clock.Now()));
        p.ExpireIfDue(clock.Now());
        Assert.False(p.WarnExpiryIfDue(clock.Now()));
    }

    private static Notification Failed(Channel channel, DeliveryFailure kind)
    {
        var n = Notification.Queue("agc_1", "prc_1", "sgn_1", channel, Purpose.Invitation, "x", DateTime.UnixEpoch);
        n.Failed("refusé", DateTime.UnixEpoch, kind);
        return n;
    }

    /// <summary>The alert and the diagnosis (which refuses the reminder, contact_unreachable) read one rule: ChannelHealth.</summary>
    private static bool Unreachable(params Notification[] messages) => ChannelHealth.Of("x", "x", messages).Unreachable;

    [Fact]
    public void OnlyBothChannelsKnownBadMakeASignerUnreachable()
    {
        var bounced = Failed(Channel.Email, DeliveryFailure.MailboxUnknown);
        var unknownNumber = Failed(Channel.Sms, DeliveryFailure.SmsUnknownNumber);
        Assert.True(Unreachable(bounced, unknownNumber));
        Assert.False(Unreachable(bounced)); // the SMS may arrive
        Assert.False(Unreachable(bounced, Failed(Channel.Sms, DeliveryFailure.SmsUnreachable))); // phone off: may work later
        Assert.True(Unreachable(Failed(Channel.Email, DeliveryFailure.Blocked), unknownNumber)); // the mailbox refuses us: as bad
        Assert.True(Unreachable(Failed(Channel.Email, DeliveryFailure.DomainUnknown), Failed(Channel.Sms, DeliveryFailure.SmsLandline)));
    }

    [Fact]
    public void AMessageIsTrimmedKeptWithItsLineBreaksAndRefusedOverItsLimit()
    {
        var p = Build.Draft();
        p.Update(new Procedure.Options(ProcedureMode.Remote, Message: "  Bonjour,\r\nà bientôt.  "), null, null, "user:usr_1");
        Assert.Equal("Bonjour,\nà bientôt.", p.Message);
        p.Update(new Procedure.Options(ProcedureMode.Remote), null, null, "user:usr_1");
        Assert.Equal("Bonjour,\nà bientôt.", p.Message); // null keeps it
        var e = Assert.Throws<DomainException>(() =>
            p.Update(new Procedure.Options(ProcedureMode.Remote, Message: new string('a', 501)), null, null, "user:usr_1"));
        Assert.Equal(["message"], e.Errors.Keys);
        p.Update(new Procedure.Options(ProcedureMode.Remote, Message: " "), null, null, "user:usr_1");
        Assert.Null(p.Message); // blank removes it
    }
}
