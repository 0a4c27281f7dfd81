using Paraphe.Domain.Notifications;
using Paraphe.Domain.Tests.Procedures;

namespace Paraphe.Domain.Tests.Notifications;

/// <summary>The stable failure kind beside the provider's text, and the operator's deferral.</summary>
public class NotificationFailureKind
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private static Notification Email(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock) =>
        Notification.Queue(Build.AgencyId, "prc_compromis", "sgn_lefevre", Channel.Email, Purpose.Invitation,
            "camille.lefevre@orange.fr", clock.Now());

    [Fact]
    public void AFreshMessageHasNoFailure()
    {
        Assert.Equal(DeliveryFailure.None, Email(Build.Clock()).FailureKind);
    }

    [Fact]
    public void APermanentFailureKeepsItsKindAndItsText()
    {
        var clock = Build.Clock();
        var n = Email(clock);
        n.StartSending(clock.Now(), Lease);
        n.Accepted("smtp", "<abc@paraphe>", clock.Now());

        n.Failed("550 5.1.1 user unknown", clock.Now(), DeliveryFailure.MailboxUnknown);

        Assert.Equal((DeliveryStatus.Failed, DeliveryFailure.MailboxUnknown, "550 5.1.1 user unknown"), (n.Status, n.FailureKind, n.Error));
    }

    [Fact]
    public void AFailureWithoutKindIsOther()
    {
        var clock = Build.Clock();
        var n = Email(clock);

        n.Failed("Non envoyé : la procédure est annulée.", clock.Now());

        Assert.Equal(DeliveryFailure.Other, n.FailureKind);
    }

    [Fact]
    public void ARetryIsOurSideByDefaultAndClearedOnceAccepted()
    {
        var clock = Build.Clock();
        var n = Email(clock);
        n.StartSending(clock.Now(), Lease);

        n.RetryLater("brevo : 503", clock.Now().AddMinutes(1), clock.Now());
        Assert.Equal(DeliveryFailure.ProviderError, n.FailureKind);

        n.StartSending(clock.Now().AddMinutes(1), Lease);
        n.Accepted("brevo", "msg-1", clock.Now().AddMinutes(1));
        Assert.Equal(DeliveryFailure.None, n.FailureKind);
    }

    [Fact]
    public void AnOperatorDeferralIsNeverSentAgainByTheDispatcher()
    {
        var clock = Build.Clock();
        var n = Email(clock);
        n.StartSending(clock.Now(), Lease);
        n.Accepted("smtp", "<abc@paraphe>", clock.Now());
        clock.Advance(TimeSpan.FromMinutes(10));

        n.Deferred(clock.Now(), "421 4.7.0 try again later");

        Assert.Equal(DeliveryStatus.Deferred, n.Status);
        Assert.Equal(DeliveryFailure.None, n.FailureKind);
        Assert.Equal(1, n.Attempts);
        Assert.True(n.NextAttemptAt > clock.Now().AddYears(1000), "the dispatcher must not take it again");
        Assert.Equal((DeliveryStatus.Deferred, "421 4.7.0 try again later"), (n.Events[^1].Status, n.Events[^1].Detail));

        clock.Advance(TimeSpan.FromHours(3));
        n.Delivered(clock.Now());
        Assert.Equal(DeliveryStatus.Delivered, n.Status);
    }

    [Fact]
    public void ALateDeferralChangesNothingOnAFinalMessage()
    {
        var clock = Build.Clock();
        var n = Email(clock);
        n.StartSending(clock.Now(), Lease);
        n.Accepted("brevo", "msg-1", clock.Now());
        n.Delivered(clock.Now());
        var events = n.Events.Count;

        n.Deferred(clock.Now(), "deferred");

        Assert.Equal(DeliveryStatus.Delivered, n.Status);
        Assert.Equal(events, n.Events.Count);
    }

    [Fact]
    public void AFailedMessageIsStillNeverSentAgain()
    {
        var clock = Build.Clock();
        var n = Email(clock);
        n.Failed("550 5.7.1 blocked", clock.Now(), DeliveryFailure.Blocked);

        Assert.Throws<InvalidOperationException>(() => n.StartSending(clock.Now(), Lease));
    }
}
