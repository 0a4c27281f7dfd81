using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Diagnosis;

/// <summary>
/// The diagnosis says until when its findings hold with time alone (<see cref="DiagnosisClock.HoldsUntil"/>; issue 12:
/// the list keeps built items until then). Walked from one such instant to the next, over minutes, hours and days:
/// the findings are the same up to one tick before the instant it gives, and differ at that instant.
/// </summary>
public class DiagnosisHoldsUntil
{
    public static TheoryData<string> Cases => new(Situations.Keys);

    private static readonly Dictionary<string, Func<Scenario>> Situations = new()
    {
        ["sent, waiting for the delivery report"] = () => Scenario.Launched().SendAll(),
        ["email delivered, not opened (24 h rule)"] = () =>
        {
            var s = Scenario.Launched().SendAll();
            return s.Deliver(s.SellerEmail);
        },
        ["email sent over SMTP, no report (24 h rule)"] = () =>
        {
            var s = Scenario.Launched().SendAll();
            return s.Deliver(s.SellerSms);
        },
        ["link opened"] = () => Scenario.Launched().SendAll().Open(),
        ["email deferred by the operator"] = () =>
        {
            var s = Scenario.Launched().SendAll();
            s.SellerEmail.Deferred(s.Now, "421 4.7.0 Temporarily deferred");
            return s;
        },
        ["our provider down, retried later"] = () =>
        {
            var s = Scenario.Launched();
            foreach (var n in s.Notifications) s.ProviderDown(n);
            return s;
        },
        ["overseas SMS not delivered (1 h rule)"] = () => Scenario.Launched(mobile: "+262692123456").SendAll(),
        ["face to face, the code's SMS on its way"] = () =>
        {
            var s = Scenario.InPersonWithCode();
            s.Send(s.RequestCode());
            return s;
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheFindingsHoldUntilTheInstantGivenAndChangeThen(string situation)
    {
        var s = Situations[situation]();
        var t = s.Now;
        var changes = 0;
        for (var step = 0; step < 200 && t < s.Now.AddDays(5); step++)
        {
            var clock = new DiagnosisClock(t);
            var findings = Diagnose(s, clock);
            if (clock.HoldsUntil == DateTime.MaxValue) break;
            var until = clock.HoldsUntil;
            Assert.True(until > t, $"{situation}: holds until {until:O}, not after {t:O}");
            Assert.Equal(findings, Diagnose(s, new DiagnosisClock(until.AddTicks(-1))));
            Assert.Equal(findings, Diagnose(s, new DiagnosisClock(t + (until - t) / 2)));
            Assert.NotEqual(findings, Diagnose(s, new DiagnosisClock(until)));
            changes++;
            t = until;
        }
        Assert.True(changes > 3, $"{situation}: the findings read the time ({changes} changes walked)");
    }

    [Fact]
    public void FindingsThatDoNotReadTheTimeHoldForever()
    {
        var s = Scenario.Launched().SendAll();
        s.Deliver(s.SellerEmail).Deliver(s.SellerSms);
        s.Procedure.Sign(s.Seller.Id, Procedures.Build.Drawn(), s.Now);
        var signed = new DiagnosisClock(s.Now);
        var bounced = Scenario.Launched().SendAll();
        bounced.Bounce(bounced.SellerEmail, "550 5.1.1 user unknown", DeliveryFailure.MailboxUnknown);
        bounced.Bounce(bounced.SellerSms, "30005 unknown destination", DeliveryFailure.SmsUnknownNumber);
        var unreachable = new DiagnosisClock(bounced.Now);

        SignerDiagnosis.For(DiagnosisFacts.Of(s.Procedure, s.Seller, s.Notifications), signed);
        SignerDiagnosis.For(DiagnosisFacts.Of(bounced.Procedure, bounced.Seller, bounced.Notifications), unreachable);

        Assert.Equal(DateTime.MaxValue, signed.HoldsUntil);
        Assert.Equal(DateTime.MaxValue, unreachable.HoldsUntil);
    }

    [Fact]
    public void TheDeliveredEmailRuleChangesTheFindingsExactly24HoursAfterDelivery()
    {
        var s = Scenario.Launched().SendAll();
        s.Deliver(s.SellerEmail).Deliver(s.SellerSms);
        var delivered = s.Now;
        var clock = new DiagnosisClock(delivered.AddHours(23).AddMinutes(59));

        Assert.DoesNotContain(Diagnose(s, clock).SelectMany(x => x), f => f.Code == DiagnosisCodes.EmailNotOpened);
        Assert.Equal(delivered + SignerDiagnosis.UnopenedAfter, clock.HoldsUntil);
        Assert.Contains(Diagnose(s, new DiagnosisClock(clock.HoldsUntil)).SelectMany(x => x), f => f.Code == DiagnosisCodes.EmailNotOpened);
    }

    /// <summary>Every signer's findings, in signer order.</summary>
    private static List<List<Finding>> Diagnose(Scenario s, DiagnosisClock clock)
    {
        var all = SignerDiagnosis.ForProcedure(s.Procedure, s.Notifications, clock);
        return s.Procedure.Signers.OrderBy(x => x.Order).Select(x => all[x.Id].ToList()).ToList();
    }
}
