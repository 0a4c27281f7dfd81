using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Tests.Diagnosis;

/// <summary>
/// « À corriger » is computed again after a delivery event only when it can change: a message that left Paraphe or
/// reached the client (`sent`, `delivered`) never raises an error for any signer, so a procedure not flagged stays
/// unflagged and is not diagnosed again (AttentionTracker). Checked over every combination of the seller's email and
/// SMS histories, the link opened or not, and time passed, moving each message of the procedure to each good status.
/// </summary>
public class GoodNewsNeverRaisesAnError
{
    private static readonly Action<Scenario, Notification>[] EmailStates =
    [
        (_, _) => { },
        (s, n) => s.Send(n),
        (s, n) => s.ProviderDown(n),
        (s, n) => { s.Send(n); n.Deferred(s.Now, "451 4.2.2 mailbox full"); },
        (s, n) => s.Bounce(n, "550 5.1.1 user unknown", DeliveryFailure.MailboxUnknown),
        (s, n) => s.Bounce(n, "554 blocked", DeliveryFailure.Blocked),
        (s, n) => s.Bounce(n, "not delivered", DeliveryFailure.Other),
        (s, n) => { s.ProviderDown(n); n.Failed("gave up", s.Now, DeliveryFailure.ProviderError); },
        (s, n) => s.Deliver(n),
    ];

    private static readonly Action<Scenario, Notification>[] SmsStates =
    [
        (_, _) => { },
        (s, n) => s.Send(n),
        (s, n) => s.ProviderDown(n, "twilio : 503"),
        (s, n) => s.Bounce(n, "30005 unknown", DeliveryFailure.SmsUnknownNumber),
        (s, n) => s.Bounce(n, "30006 landline", DeliveryFailure.SmsLandline),
        (s, n) => s.Bounce(n, "30003 unreachable", DeliveryFailure.SmsUnreachable),
        (s, n) => s.Deliver(n),
    ];

    public static TheoryData<string, int, int, bool, int> Histories()
    {
        var data = new TheoryData<string, int, int, bool, int>();
        foreach (var mobile in new[] { "+33612345678", "+262692123456" })
            for (var e = 0; e < EmailStates.Length; e++)
                for (var m = 0; m < SmsStates.Length; m++)
                    foreach (var opened in new[] { false, true })
                        foreach (var hours in new[] { 0, 2, 30 })
                            data.Add(mobile, e, m, opened, hours);
        return data;
    }

    [Theory]
    [MemberData(nameof(Histories))]
    public void SentOrDeliveredNeverRaisesAnError(string mobile, int email, int sms, bool opened, int hours)
    {
        var count = History(mobile, email, sms, opened, hours).Notifications.Count;
        foreach (var good in new[] { DeliveryStatus.Sent, DeliveryStatus.Delivered })
            for (var i = 0; i < count; i++)
            {
                var s = History(mobile, email, sms, opened, hours);
                if (Errors(s) > 0) return; // flagged already: computed again whatever the event
                var n = s.Notifications[i];
                if (!Move(s, n, good)) continue; // not a move this message can make
                Assert.True(Errors(s) == 0,
                    $"{n.Channel} {n.Purpose} of {(n.SignerId == s.Seller.Id ? "the seller" : "the buyer")} moved to {good} raised " +
                    string.Join(", ", s.Diagnose().Where(f => f.Severity == Severity.Error).Select(f => f.Code)));
            }
    }

    private static Scenario History(string mobile, int email, int sms, bool opened, int hours)
    {
        var s = Scenario.Launched(mobile: mobile);
        EmailStates[email](s, s.SellerEmail);
        SmsStates[sms](s, s.SellerSms);
        if (opened) s.Open();
        s.Wait(TimeSpan.FromHours(hours));
        return s;
    }

    /// <summary>The calls the dispatcher and the callbacks make; true when the message ends in <paramref name="good"/>.</summary>
    private static bool Move(Scenario s, Notification n, DeliveryStatus good)
    {
        var before = n.Status;
        try
        {
            if (good == DeliveryStatus.Sent)
            {
                if (n.Status is DeliveryStatus.Queued or DeliveryStatus.Deferred) n.StartSending(s.Now, TimeSpan.FromMinutes(2));
                n.Accepted("twilio", $"msg-{n.Id}", s.Now);
            }
            else n.Delivered(s.Now, "remis");
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        return n.Status == good && before != good;
    }

    private static int Errors(Scenario s) => SignerDiagnosis.ForProcedure(s.Procedure, s.Notifications, s.Now)
        .Values.Sum(findings => findings.Count(f => f.Severity == Severity.Error));
}
