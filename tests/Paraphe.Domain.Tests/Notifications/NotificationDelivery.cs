using Microsoft.Extensions.Time.Testing;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Tests.Procedures;

namespace Paraphe.Domain.Tests.Notifications;

public class NotificationDelivery
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private static Notification Sms(FakeTimeProvider clock) =>
        Notification.Queue(Build.AgencyId, "prc_compromis", "sgn_moreau", Channel.Sms, Purpose.Invitation, "+33698765432", clock.Now());

    [Fact]
    public void QueuesAMessageReadyToSendNow()
    {
        var clock = Build.Clock();

        var n = Notification.Queue(Build.AgencyId, "prc_compromis", "sgn_lefevre", Channel.Email, Purpose.Reminder,
            "camille.lefevre@gmail.com", clock.Now());

        Assert.StartsWith("ntf_", n.Id);
        Assert.Equal((Build.AgencyId, "prc_compromis", "sgn_lefevre"), (n.AgencyId, n.ProcedureId, n.SignerId));
        Assert.Equal((Channel.Email, Purpose.Reminder, "camille.lefevre@gmail.com"), (n.Channel, n.Purpose, n.To));
        Assert.Equal(DeliveryStatus.Queued, n.Status);
        Assert.Equal(0, n.Attempts);
        Assert.Equal(clock.Now(), n.NextAttemptAt);
        Assert.Equal(clock.Now(), n.CreatedAt);
        Assert.Equal(clock.Now(), n.UpdatedAt);
        Assert.Null(n.Error);
        Assert.Null(n.Provider);
        Assert.False(n.IsFinal);
        var e = Assert.Single(n.Events);
        Assert.Equal((DeliveryStatus.Queued, clock.Now(), (string?)null), (e.Status, e.At, e.Detail));
    }

    [Fact]
    public void QueuesANotaryMessageWithoutSigner()
    {
        var clock = Build.Clock();

        var n = Notification.Queue(Build.AgencyId, "prc_compromis", null, Channel.Email, Purpose.Notary,
            "office.martin@notaires.fr", clock.Now());

        Assert.Null(n.SignerId);
        Assert.Equal(Purpose.Notary, n.Purpose);
    }

    [Fact]
    public void StartsSendingWithALeaseAndCountsTheAttempt()
    {
        var clock = Build.Clock();
        var n = Sms(clock);
        clock.Advance(TimeSpan.FromSeconds(1));

        n.StartSending(clock.Now(), Lease);

        Assert.Equal(DeliveryStatus.Sending, n.Status);
        Assert.Equal(1, n.Attempts);
        Assert.Equal(clock.Now() + Lease, n.NextAttemptAt);
        Assert.Equal(clock.Now(), n.UpdatedAt);
        Assert.Equal((DeliveryStatus.Sending, clock.Now(), (string?)null), (n.Events[^1].Status, n.Events[^1].At, n.Events[^1].Detail));
    }

    [Fact]
    public void IsSentOnceTheProviderAcceptsIt()
    {
        var clock = Build.Clock();
        var n = Sms(clock);
        n.StartSending(clock.Now(), Lease);
        clock.Advance(TimeSpan.FromMilliseconds(850));

        n.Accepted("brevo", "msg-7f3a9c", clock.Now());

        Assert.Equal(DeliveryStatus.Sent, n.Status);
        Assert.Equal(("brevo", "msg-7f3a9c"), (n.Provider, n.ProviderMessageId));
        Assert.False(n.IsFinal);
        Assert.Equal(clock.Now(), n.Events[^1].At);
        Assert.Equal("accepté par brevo", n.Events[^1].Detail);
    }

    [Fact]
    public void SaysWhenTheFallbackProviderSentIt()
    {
        var clock = Build.Clock();
        var n = Sms(clock);
        n.StartSending(clock.Now(), Lease);

        n.Accepted("brevo", "1511882900176220", clock.Now(), "secours : twilio en échec : Twilio 503");

        Assert.Equal(("brevo", DeliveryStatus.Sent), (n.Provider, n.Status));
        Assert.Equal("accepté par brevo (secours : twilio en échec : Twilio 503)", n.Events[^1].Detail);
    }

    [Fact]
    public void IsDeferredOnATemporaryFailureAndRetriedLater()
    {
        var clock = Build.Clock();
        var n = Sms(clock);
        n.StartSending(clock.Now(), Lease);
        var retryAt = clock.Now().AddMinutes(1);

        n.RetryLater("ovh : 503 Service Unavailable", retryAt, clock.Now());

        Assert.Equal(DeliveryStatus.Deferred, n.Status);
        Assert.Equal("ovh : 503 Service Unavailable", n.Error);
        Assert.Equal(retryAt, n.NextAttemptAt);
        Assert.False(n.IsFinal);
        Assert.Equal((DeliveryStatus.Deferred, "ovh : 503 Service Unavailable"), (n.Events[^1].Status, n.Events[^1].Detail));
    }

    [Fact]
    public void CountsEachAttemptAndNamesTheRetries()
    {
        var clock = Build.Clock();
        var n = Sms(clock);

        n.StartSending(clock.Now(), Lease);
        n.RetryLater("timeout", clock.Now().AddMinutes(1), clock.Now());
        clock.Advance(TimeSpan.FromMinutes(1));
        n.StartSending(clock.Now(), Lease);
        n.RetryLater("timeout", clock.Now().AddMinutes(5), clock.Now());
        clock.Advance(TimeSpan.FromMinutes(5));
        n.StartSending(clock.Now(), Lease);

        Assert.Equal(3, n.Attempts);
        Assert.Equal([null, "tentative 2", "tentative 3"],
            n.Events.Where(e => e.Status == DeliveryStatus.Sending).Select(e => e.Detail));
    }

    [Fact]
    public void ClearsThePreviousErrorOnceAccepted()
    {
        var clock = Build.Clock();
        var n = Sms(clock);
        n.StartSending(clock.Now(), Lease);
        n.RetryLater("smsmode : 502 Bad Gateway", clock.Now().AddMinutes(1), clock.Now());
        n.StartSending(clock.Now().AddMinutes(1), Lease);

        n.Accepted("ovh", null, clock.Now().AddMinutes(1));

        Assert.Null(n.Error);
        Assert.Equal("ovh", n.Provider);
        Assert.Null(n.ProviderMessageId);
    }

    [Fact]
    public void IsDeliveredWhenTheReceiptComesBack()
    {
        var clock = Build.Clock();
        var n = Sms(clock);
        n.StartSending(clock.Now(), Lease);
        n.Accepted("brevo", "msg-7f3a9c", clock.Now());
        clock.Advance(TimeSpan.FromSeconds(9));

        n.Delivered(clock.Now(), "accusé de réception opérateur");

        Assert.Equal(DeliveryStatus.Delivered, n.Status);
        Assert.True(n.IsFinal);
        Assert.Equal(clock.Now(), n.UpdatedAt);
        Assert.Equal((DeliveryStatus.Delivered, clock.Now(), "accusé de réception opérateur"),
            (n.Events[^1].Status, n.Events[^1].At, n.Events[^1].Detail));
    }

    [Fact]
    public void FailsPermanentlyWithTheReason()
    {
        var clock = Build.Clock();
        var n = Notification.Queue(Build.AgencyId, "prc_compromis", "sgn_lefevre", Channel.Email, Purpose.Invitation,
            "camille.lefevre@gmial.com", clock.Now());
        n.StartSending(clock.Now(), Lease);
        n.Accepted("smtp", "<abc@paraphe>", clock.Now());
        clock.Advance(TimeSpan.FromMinutes(3));

        n.Failed("550 5.1.2 domaine gmial.com introuvable", clock.Now());

        Assert.Equal(DeliveryStatus.Failed, n.Status);
        Assert.True(n.IsFinal);
        Assert.Equal("550 5.1.2 domaine gmial.com introuvable", n.Error);
        Assert.Equal("550 5.1.2 domaine gmial.com introuvable", n.Events[^1].Detail);
    }

    [Fact]
    public void KeepsEveryStateChangeWithItsTime()
    {
        var clock = Build.Clock();
        var n = Sms(clock);
        var times = new List<DateTime> { clock.Now() };

        clock.Advance(TimeSpan.FromSeconds(1)); times.Add(clock.Now()); n.StartSending(clock.Now(), Lease);
        clock.Advance(TimeSpan.FromSeconds(1)); times.Add(clock.Now()); n.RetryLater("503", clock.Now().AddMinutes(1), clock.Now());
        clock.Advance(TimeSpan.FromMinutes(1)); times.Add(clock.Now()); n.StartSending(clock.Now(), Lease);
        clock.Advance(TimeSpan.FromSeconds(1)); times.Add(clock.Now()); n.Accepted("ovh", "ovh-123", clock.Now());
        clock.Advance(TimeSpan.FromSeconds(20)); times.Add(clock.Now()); n.Delivered(clock.Now());

        Assert.Equal([DeliveryStatus.Queued, DeliveryStatus.Sending, DeliveryStatus.Deferred, DeliveryStatus.Sending,
            DeliveryStatus.Sent, DeliveryStatus.Delivered], n.Events.Select(e => e.Status));
        Assert.Equal(times, n.Events.Select(e => e.At));
        Assert.Equal(2, n.Attempts);
        Assert.Equal(times[^1], n.UpdatedAt);
    }
}
