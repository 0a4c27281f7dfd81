using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Domain.Tests.Procedures;

namespace Paraphe.Domain.Tests.Diagnosis;

/// <summary>
/// Every diagnosis code reached from realistic facts, and the cases that must raise no alarm. Each row names the
/// situation, builds it with the real domain objects, and lists the codes the seller's diagnosis shows, in order.
/// </summary>
public class SignerDiagnosisTable
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    private static readonly Dictionary<string, (Func<Scenario> Arrange, string[] Codes)> Cases = new()
    {
        // ---- modes and draft ----
        ["in person, launched: nothing is sent by design"] = (() => Scenario.Launched(ProcedureMode.InPerson),
            [DiagnosisCodes.ModeInPerson]),
        ["manual, launched: nothing is sent by design"] = (() => Scenario.Launched(ProcedureMode.Manual),
            [DiagnosisCodes.ModeManual]),
        ["in person, draft"] = (() => Scenario.Draft(ProcedureMode.InPerson),
            [DiagnosisCodes.ModeInPerson, DiagnosisCodes.NotLaunched]),
        ["in person with a landline: no SMS is sent, so no alarm about the number"] = (
            () => Scenario.Launched(ProcedureMode.InPerson, mobile: "04 91 12 34 56"), [DiagnosisCodes.ModeInPerson]),
        ["remote, draft"] = (() => Scenario.Draft(), [DiagnosisCodes.NotLaunched]),

        // ---- contact checks before launch ----
        ["draft, email without @"] = (() => Scenario.Draft(email: "camille.lefevre.gmail.com"),
            [DiagnosisCodes.EmailInvalid, DiagnosisCodes.NotLaunched]),
        ["draft, email domain mistyped"] = (() => Scenario.Draft(email: "camille.lefevre@gmial.com"),
            [DiagnosisCodes.EmailSuspectedTypo, DiagnosisCodes.NotLaunched]),
        ["draft, number missing a digit"] = (() => Scenario.Draft(mobile: "06 12 34 56 7"),
            [DiagnosisCodes.MobileInvalid, DiagnosisCodes.NotLaunched]),
        ["draft, landline"] = (() => Scenario.Draft(mobile: "04 91 12 34 56"),
            [DiagnosisCodes.MobileNotMobile, DiagnosisCodes.NotLaunched]),
        ["draft, Réunion mobile filed under +33"] = (() => Scenario.Draft(mobile: "06 92 12 34 56"),
            [DiagnosisCodes.MobileWrongCountry, DiagnosisCodes.NotLaunched]),

        // ---- email after launch ----
        ["email: mailbox unknown"] = (() =>
        {
            var s = Scenario.Launched(email: "camille.lefevre@orange.fr").SendAll();
            s.Deliver(s.SellerSms).Wait(TimeSpan.FromMinutes(3));
            return s.Bounce(s.SellerEmail, "550 5.1.1 <camille.lefevre@orange.fr>: user unknown", DeliveryFailure.MailboxUnknown);
        }, [DiagnosisCodes.EmailHardBounce]),
        ["email: domain unknown"] = (() =>
        {
            var s = Scenario.Launched(email: "camille@lefevre-immo.fr").SendAll();
            s.Deliver(s.SellerSms);
            return s.Bounce(s.SellerEmail, "550 5.1.2 domain not found", DeliveryFailure.DomainUnknown);
        }, [DiagnosisCodes.EmailHardBounce]),
        ["email: blocked by the operator, SMS still on its way"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            return s.Bounce(s.SellerEmail, "550 5.7.1 Message rejected as spam", DeliveryFailure.Blocked);
        }, [DiagnosisCodes.EmailBlocked, DiagnosisCodes.InTransit]),
        ["email: refused because the address once reported our mail as spam"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            s.Deliver(s.SellerSms);
            return s.Bounce(s.SellerEmail, "blocked: contact has marked a previous email as spam", DeliveryFailure.SpamComplaint);
        }, [DiagnosisCodes.EmailBlocked]),
        ["email: a reminder reported as spam after the invitation was delivered"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            s.Deliver(s.SellerSms);
            s.Deliver(s.SellerEmail).Wait(TimeSpan.FromHours(2));
            s.Notifications.Add(Reminder(s, Channel.Email));
            s.Send(s.Notifications[^1]).Bounce(s.Notifications[^1], "spam", DeliveryFailure.SpamComplaint);
            return s;
        }, []), // the client has the invitation in their mailbox: not a delivery problem
        ["email: deferred by the operator"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            s.Deliver(s.SellerSms).Wait(TimeSpan.FromMinutes(20));
            s.SellerEmail.Deferred(s.Now, "421 4.7.0 Temporarily deferred, try again later");
            return s.Wait(TimeSpan.FromHours(3));
        }, [DiagnosisCodes.EmailDeferred]),
        ["email: delivered 24 h ago, link not opened"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            s.Deliver(s.SellerSms).Deliver(s.SellerEmail);
            return s.Wait(Day);
        }, [DiagnosisCodes.EmailNotOpened]),
        ["email: delivered 23 h 59 ago, link not opened yet"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            s.Deliver(s.SellerSms).Deliver(s.SellerEmail);
            return s.Wait(Day - TimeSpan.FromMinutes(1));
        }, []),
        ["email: accepted over SMTP a day ago, no bounce, not opened"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            s.Deliver(s.SellerSms);
            return s.Wait(Day + TimeSpan.FromHours(1));
        }, [DiagnosisCodes.EmailNotOpened]),

        // ---- SMS after launch ----
        ["SMS: unknown number"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            s.Deliver(s.SellerEmail);
            return s.Bounce(s.SellerSms, "30005 Unknown destination handset", DeliveryFailure.SmsUnknownNumber);
        }, [DiagnosisCodes.SmsUnknownNumber]),
        ["SMS: the operator says landline"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            s.Deliver(s.SellerEmail);
            return s.Bounce(s.SellerSms, "30006 Landline or unreachable carrier", DeliveryFailure.SmsLandline);
        }, [DiagnosisCodes.MobileNotMobile]),
        ["SMS: failed to a Réunion number"] = (() =>
        {
            var s = Scenario.Launched(mobile: "+262 692 12 34 56").SendAll();
            s.Deliver(s.SellerEmail);
            return s.Bounce(s.SellerSms, "30003 Unreachable destination handset", DeliveryFailure.SmsUnreachable);
        }, [DiagnosisCodes.SmsUndeliveredOverseas]),
        ["SMS: failed to a mainland number"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            s.Deliver(s.SellerEmail);
            return s.Bounce(s.SellerSms, "30003 Unreachable destination handset", DeliveryFailure.SmsUnreachable);
        }, [DiagnosisCodes.SmsFailed]),
        ["SMS: filtered on a mainland number"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            s.Deliver(s.SellerEmail);
            return s.Bounce(s.SellerSms, "30007 Message filtered", DeliveryFailure.SmsFiltered);
        }, [DiagnosisCodes.SmsFailed]),
        ["SMS: to Guadeloupe, still not delivered after an hour"] = (() =>
        {
            var s = Scenario.Launched(mobile: "+590 690 12 34 56").SendAll();
            s.Deliver(s.SellerEmail);
            return s.Wait(TimeSpan.FromHours(1));
        }, [DiagnosisCodes.SmsUndeliveredOverseas]),
        ["SMS: to Guadeloupe, 59 minutes: still in transit"] = (() =>
        {
            var s = Scenario.Launched(mobile: "+590 690 12 34 56").SendAll();
            s.Deliver(s.SellerEmail);
            return s.Wait(TimeSpan.FromMinutes(59));
        }, [DiagnosisCodes.InTransit]),
        ["SMS: to the mainland, no receipt after an hour: no alarm"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            s.Deliver(s.SellerEmail);
            return s.Wait(TimeSpan.FromHours(1));
        }, [DiagnosisCodes.InTransit]),

        // ---- our side ----
        ["provider outage: nothing left Paraphe"] = (() =>
        {
            var s = Scenario.Launched();
            foreach (var n in s.Notifications) s.ProviderDown(n);
            return s.Wait(TimeSpan.FromMinutes(10));
        }, [DiagnosisCodes.ProviderOutage]),
        ["provider outage: Paraphe gave up on every message"] = (() =>
        {
            var s = Scenario.Launched();
            foreach (var n in s.Notifications)
            {
                n.StartSending(s.Now, TimeSpan.FromMinutes(2));
                n.Failed("Abandonné après 12 tentatives : 503", s.Now, DeliveryFailure.ProviderError);
            }
            return s;
        }, [DiagnosisCodes.ProviderOutage]),
        ["no outage when one message left (the buyer's email)"] = (() =>
        {
            var s = Scenario.Launched();
            foreach (var n in s.Notifications) s.ProviderDown(n);
            s.Wait(TimeSpan.FromMinutes(5)).Send(s.BuyerEmail);
            return s;
        }, [DiagnosisCodes.InTransit]),

        // ---- no false alarms ----
        ["just launched, nothing sent yet"] = (() => Scenario.Launched(), [DiagnosisCodes.InTransit]),
        ["just sent, no receipt yet"] = (() => Scenario.Launched().SendAll().Wait(TimeSpan.FromMinutes(2)),
            [DiagnosisCodes.InTransit]),
        ["delivered and opened"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            s.Deliver(s.SellerEmail).Deliver(s.SellerSms).Wait(TimeSpan.FromMinutes(40));
            return s.Open().Wait(Day * 3);
        }, [DiagnosisCodes.Received]),
        ["opened from the SMS while the email bounced: a warning, not an error"] = (() =>
        {
            var s = Scenario.Launched(email: "camille.lefevre@orange.fr").SendAll();
            s.Deliver(s.SellerSms).Open();
            return s.Bounce(s.SellerEmail, "550 5.1.1 user unknown", DeliveryFailure.MailboxUnknown);
        }, [DiagnosisCodes.EmailHardBounce, DiagnosisCodes.Received]),
        ["signed, after a bounced email"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            s.Bounce(s.SellerEmail, "550 5.1.1 user unknown", DeliveryFailure.MailboxUnknown);
            s.Deliver(s.SellerSms).Open();
            s.Procedure.Sign(s.Seller.Id, Build.Drawn(), s.Now);
            return s.Wait(Day * 2);
        }, [DiagnosisCodes.Received]),
        ["declined"] = (() =>
        {
            var s = Scenario.Launched().SendAll();
            s.Deliver(s.SellerEmail).Open();
            s.Procedure.Decline(s.Seller.Id, "Le prix a changé", s.Now);
            return s;
        }, [DiagnosisCodes.Received]),
        ["cancelled before sending: the dispatcher's refusal is not a delivery problem"] = (() =>
        {
            var s = Scenario.Launched();
            s.Procedure.Cancel("Erreur de document", Build.Agent, s.Now);
            foreach (var n in s.Notifications)
            {
                n.StartSending(s.Now, TimeSpan.FromMinutes(2));
                n.Failed("Non envoyé : la procédure est annulée.", s.Now);
            }
            return s;
        }, []),
        ["cancelled after a hard bounce: the bounce still matters for the relaunch"] = (() =>
        {
            var s = Scenario.Launched(email: "camille.lefevre@orange.fr").SendAll();
            s.Bounce(s.SellerEmail, "550 5.1.1 user unknown", DeliveryFailure.MailboxUnknown);
            s.Procedure.Cancel("Adresse email fausse", Build.Agent, s.Now);
            return s.Wait(Day * 2);
        }, [DiagnosisCodes.EmailHardBounce]),
    };

    private static Notification Reminder(Scenario s, Channel channel) =>
        Notification.Queue(Build.AgencyId, s.Procedure.Id, s.Seller.Id, channel, Purpose.Reminder,
            channel == Channel.Email ? s.Seller.Email : s.Seller.Mobile, s.Now);

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void ShowsTheExpectedFindings(string situation)
    {
        var (arrange, codes) = Cases[situation];

        var findings = arrange().Diagnose();

        Assert.Equal(codes, findings.Select(f => f.Code));
        Assert.All(findings, f =>
        {
            Assert.False(string.IsNullOrWhiteSpace(f.Message));
            Assert.False(string.IsNullOrWhiteSpace(f.Action));
        });
        Assert.Equal(findings.OrderByDescending(f => f.Severity).Select(f => f.Code), findings.Select(f => f.Code));
    }

    [Fact]
    public void EveryCodeOfTheSpecIsReached()
    {
        string[] spec =
        [
            "mode_in_person", "mode_manual", "not_launched", "email_invalid", "email_suspected_typo", "email_hard_bounce",
            "email_blocked", "email_deferred", "email_not_opened", "mobile_invalid", "mobile_not_mobile",
            "mobile_wrong_country", "sms_unknown_number", "sms_undelivered_overseas", "sms_failed", "provider_outage",
            "received",
        ];

        var reached = Cases.Values.SelectMany(c => c.Codes).ToHashSet();

        Assert.Equal([], spec.Except(reached));
    }
}
