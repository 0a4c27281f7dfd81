using Paraphe.Domain.Audit;
using Microsoft.Extensions.Time.Testing;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Tests.Procedures;

namespace Paraphe.Domain.Tests.Notifications;

/// <summary>Provider reports repeat themselves and overtake each other: what they may and may not change.</summary>
public class NotificationReports
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private static (Notification, FakeTimeProvider) Sent()
    {
        var clock = Build.Clock();
        var n = Notification.Queue(Build.AgencyId, "prc_compromis", "sgn_moreau", Channel.Sms, Purpose.Invitation, "+33698765432", clock.Now());
        n.StartSending(clock.Now(), Lease);
        n.Accepted("twilio", "SM123", clock.Now());
        n.ClearPendingEvents();
        return (n, clock);
    }

    private static DeliveryReport At(FakeTimeProvider clock, DeliveryStatus status, string? detail = null,
        DeliveryFailure failure = DeliveryFailure.None) => new(status, clock.Now(), detail, failure, "twilio");

    [Fact]
    public void ADeliveredReportEndsTheStoryAndIsAudited()
    {
        var (n, clock) = Sent();
        clock.Advance(TimeSpan.FromSeconds(4));

        Assert.True(n.Report(At(clock, DeliveryStatus.Delivered, "delivered"), clock.Now()));

        Assert.Equal(DeliveryStatus.Delivered, n.Status);
        Assert.Equal((DeliveryStatus.Delivered, clock.Now(), "delivered"), (n.Events[^1].Status, n.Events[^1].At, n.Events[^1].Detail));
        var audit = Assert.Single(n.PendingEvents);
        Assert.Equal(("notification.delivered", "twilio"), (audit.Type, audit.Actor));
        Assert.Equal(n.Id, audit.Fact<NotificationDelivered>().NotificationId);
        Assert.Equal("sgn_moreau", audit.Fact<NotificationDelivered>().SignerId);
        Assert.Equal("sms", audit.Fact<NotificationDelivered>().Channel);
    }

    [Fact]
    public void ARepeatedReportChangesNothing()
    {
        var (n, clock) = Sent();
        Assert.True(n.Report(At(clock, DeliveryStatus.Deferred, "4.2.2 mailbox full"), clock.Now()));
        var events = n.Events.Count;

        Assert.False(n.Report(At(clock, DeliveryStatus.Deferred, "4.2.2 mailbox full"), clock.Now()));
        Assert.Equal(events, n.Events.Count);
        Assert.Single(n.PendingEvents);
    }

    [Fact]
    public void NothingMovesAMessageOnceDeliveredOrFailed()
    {
        var (n, clock) = Sent();
        n.Report(At(clock, DeliveryStatus.Failed, "30005 Unknown destination", DeliveryFailure.SmsUnknownNumber), clock.Now());
        var events = n.Events.Count;

        Assert.False(n.Report(At(clock, DeliveryStatus.Delivered), clock.Now()));
        Assert.False(n.Report(At(clock, DeliveryStatus.Sent), clock.Now()));
        n.Failed("other", clock.Now(), DeliveryFailure.Other);
        n.RetryLater("timeout", clock.Now(), clock.Now());

        Assert.Equal((DeliveryStatus.Failed, DeliveryFailure.SmsUnknownNumber), (n.Status, n.FailureKind));
        Assert.Equal(events, n.Events.Count);
    }

    [Fact]
    public void ADeliveryReportOvertakingTheSendAnswerIsKept()
    {
        var clock = Build.Clock();
        var n = Notification.Queue(Build.AgencyId, "prc_compromis", "sgn_moreau", Channel.Sms, Purpose.Invitation, "+33698765432", clock.Now());
        n.StartSending(clock.Now(), Lease);

        Assert.True(n.Report(At(clock, DeliveryStatus.Delivered), clock.Now()));
        n.Accepted("twilio", "SM123", clock.Now());

        Assert.Equal(DeliveryStatus.Delivered, n.Status);
        Assert.Equal("SM123", n.ProviderMessageId);
        Assert.DoesNotContain(n.Events, e => e.Status == DeliveryStatus.Sent);
    }

    [Fact]
    public void ALateSentReportDoesNotUndoADelay()
    {
        var (n, clock) = Sent();
        var early = clock.Now();
        clock.Advance(TimeSpan.FromMinutes(1));
        n.Report(At(clock, DeliveryStatus.Deferred, "queued by the operator"), clock.Now());

        Assert.False(n.Report(new DeliveryReport(DeliveryStatus.Sent, early, "sent", Provider: "twilio"), clock.Now()));
        Assert.False(n.Report(new DeliveryReport(DeliveryStatus.Deferred, early, "older delay", Provider: "twilio"), clock.Now()));
        Assert.Equal(DeliveryStatus.Deferred, n.Status);
        Assert.Equal("queued by the operator", n.Error);
    }

    [Fact]
    public void AProviderDelayIsNotRetriedByParaphe()
    {
        var (n, clock) = Sent();

        n.Report(At(clock, DeliveryStatus.Deferred, "421 4.7.0 try later"), clock.Now());

        Assert.Equal(Notification.HeldByProvider, n.NextAttemptAt);
        n.RetryLater("timeout", clock.Now(), clock.Now());
        Assert.Equal(Notification.HeldByProvider, n.NextAttemptAt);
    }

    [Fact]
    public void AFailureWithoutAKindIsOther()
    {
        var (n, clock) = Sent();

        n.Report(At(clock, DeliveryStatus.Failed, "rejected"), clock.Now());

        Assert.Equal(DeliveryFailure.Other, n.FailureKind);
        Assert.Equal("Other", Assert.Single(n.PendingEvents).Fact<NotificationFailed>().Failure);
    }

    [Theory]
    [InlineData(DeliveryStatus.Queued)]
    [InlineData(DeliveryStatus.Sending)]
    public void AProviderCannotReportPlumbingStates(DeliveryStatus status)
    {
        var (n, clock) = Sent();
        Assert.Throws<ArgumentException>(() => n.Report(At(clock, status, "x"), clock.Now()));
    }

    [Fact]
    public void TheClaimIsNotAuditedButTheAnswerIs()
    {
        var clock = Build.Clock();
        var n = Notification.Queue(Build.AgencyId, "prc_compromis", "sgn_moreau", Channel.Email, Purpose.Invitation, "a@b.fr", clock.Now());
        n.StartSending(clock.Now(), Lease);
        Assert.Empty(n.PendingEvents);

        n.Accepted("smtp", "<m@paraphe>", clock.Now());

        Assert.Equal("notification.sent", Assert.Single(n.PendingEvents).Type);
    }
}
