using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Diagnosis;

/// <summary>What the agent reads and clicks for the findings that matter most.</summary>
public class SignerDiagnosisDetails
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    [Fact]
    public void AHardBounceNamesTheAddressAndLeadsToCorrectAndRelaunch()
    {
        var s = Scenario.Launched(email: "camille.lefevre@orange.fr").SendAll();
        s.Bounce(s.SellerEmail, "550 5.1.1 user unknown", DeliveryFailure.MailboxUnknown);

        var f = s.Finding(DiagnosisCodes.EmailHardBounce);

        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal("L'adresse camille.lefevre@orange.fr n'existe pas (boîte inconnue).", f.Message);
        Assert.Contains("Nouvelle procédure corrigée", f.Action);
        Assert.Equal(ActionKinds.CorrectAndRelaunch, f.ActionKind);
    }

    [Fact]
    public void AMistypedDomainBeforeLaunchSuggestsTheRightAddress()
    {
        var f = Scenario.Draft(email: "camille.lefevre@gmial.com").Finding(DiagnosisCodes.EmailSuspectedTypo);

        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal("camille.lefevre@gmail.com", f.Suggestion);
        Assert.Equal(ActionKinds.UseSuggestion, f.ActionKind);
        Assert.Contains("camille.lefevre@gmail.com", f.Message);
    }

    [Fact]
    public void AnOverseasMobileFiledUnderFranceSuggestsTheRightCountryCode()
    {
        var f = Scenario.Draft(mobile: "06 92 12 34 56").Finding(DiagnosisCodes.MobileWrongCountry);

        Assert.Equal("+262692123456", f.Suggestion);
        Assert.Equal(ActionKinds.UseSuggestion, f.ActionKind);
        Assert.Contains("+262", f.Message);
    }

    [Fact]
    public void ADraftIsLaunchedFromTheDiagnosis()
    {
        var f = Scenario.Draft().Finding(DiagnosisCodes.NotLaunched);

        Assert.Equal(ActionKinds.Launch, f.ActionKind);
    }

    [Fact]
    public void TheInPersonModeSaysNothingIsSentAndIsOnlyInfoOnceSigned()
    {
        var s = Scenario.Launched(ProcedureMode.InPerson);
        Assert.Equal(Severity.Warning, s.Finding(DiagnosisCodes.ModeInPerson).Severity);
        Assert.Contains("aucun email ni SMS", s.Finding(DiagnosisCodes.ModeInPerson).Message);

        s.Procedure.Sign(s.Seller.Id, Procedures.Build.Drawn(inPerson: true), s.Now);

        Assert.Equal(Severity.Info, s.Finding(DiagnosisCodes.ModeInPerson).Severity);
    }

    [Fact]
    public void ADeferredEmailTellsTheAgentToWaitUpTo24Hours()
    {
        var s = Scenario.Launched().SendAll();
        s.SellerEmail.Deferred(s.Now, "421 4.7.0 Temporarily deferred");

        var f = s.Finding(DiagnosisCodes.EmailDeferred);

        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal(ActionKinds.Wait, f.ActionKind);
        Assert.Contains("24 h", f.Action);
        Assert.Contains("421 4.7.0", f.Message);
    }

    [Fact]
    public void AnUnopenedEmailIsReportedFrom24HoursAfterDeliveryNotAfterSending()
    {
        var s = Scenario.Launched().SendAll();
        s.Deliver(s.SellerSms).Wait(TimeSpan.FromHours(6));
        s.Deliver(s.SellerEmail); // the operator held it six hours

        s.Wait(Day - TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(s.Diagnose(), f => f.Code == DiagnosisCodes.EmailNotOpened);

        s.Wait(TimeSpan.FromSeconds(1));
        var f = s.Finding(DiagnosisCodes.EmailNotOpened);
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Contains("spam", f.Action);
        Assert.Equal(ActionKinds.Remind, f.ActionKind);
    }

    [Fact]
    public void AnOpenedLinkSilencesTheUnopenedWarning()
    {
        var s = Scenario.Launched().SendAll();
        s.Deliver(s.SellerEmail).Wait(Day * 2);
        Assert.Contains(s.Diagnose(), f => f.Code == DiagnosisCodes.EmailNotOpened);

        s.Open();

        Assert.Equal([DiagnosisCodes.Received], s.Diagnose().Select(f => f.Code));
    }

    [Fact]
    public void OverseasMeansOutsideMainlandFranceNotOutsideTheFrenchNumberingPlan()
    {
        foreach (var (mobile, overseas) in new[]
                 {
                     ("+33612345678", false), ("+262692123456", true), ("+596696123456", true), ("+32470123456", true),
                 })
        {
            var s = Scenario.Launched(mobile: mobile).SendAll();
            s.Bounce(s.SellerSms, "30003 Unreachable destination handset", DeliveryFailure.SmsUnreachable);

            var code = Assert.Single(s.Diagnose(), f => f.Severity == Severity.Error).Code;

            Assert.Equal(overseas ? DiagnosisCodes.SmsUndeliveredOverseas : DiagnosisCodes.SmsFailed, code);
        }
    }

    [Fact]
    public void AnUndeliveredOverseasSmsPointsToTheEmail()
    {
        var s = Scenario.Launched(mobile: "+262692123456").SendAll();
        s.Bounce(s.SellerSms, "30003 Unreachable destination handset", DeliveryFailure.SmsUnreachable);

        var f = s.Finding(DiagnosisCodes.SmsUndeliveredOverseas);

        Assert.Contains("La Réunion", f.Message);
        Assert.Contains("email", f.Action);
    }

    [Fact]
    public void AnUnknownNumberLeadsToCorrectAndRelaunch()
    {
        var s = Scenario.Launched().SendAll();
        s.Bounce(s.SellerSms, "30005 Unknown destination handset", DeliveryFailure.SmsUnknownNumber);

        var f = s.Finding(DiagnosisCodes.SmsUnknownNumber);

        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal(ActionKinds.CorrectAndRelaunch, f.ActionKind);
        Assert.Contains("+33612345678", f.Message);
    }

    [Fact]
    public void AProviderOutageIsShownToEverySignerWithTheProvidersErrorAndTheNextTry()
    {
        var s = Scenario.Launched();
        foreach (var n in s.Notifications) s.ProviderDown(n, "brevo : 503 Service Unavailable");
        s.Wait(TimeSpan.FromMinutes(1));

        var all = SignerDiagnosis.ForProcedure(s.Procedure, s.Notifications, s.Now);

        Assert.All(all.Values, findings => Assert.Equal([DiagnosisCodes.ProviderOutage], findings.Select(f => f.Code)));
        var f = all[s.Seller.Id].Single();
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Contains("503 Service Unavailable", f.Message);
        Assert.Contains("réessaie", f.Action);
        Assert.Equal(ActionKinds.Wait, f.ActionKind);
    }

    [Fact]
    public void OneAcceptedMessageIsEnoughToRuleOutAnOutage()
    {
        var s = Scenario.Launched();
        foreach (var n in s.Notifications) s.ProviderDown(n);
        Assert.NotNull(ProviderOutage.Detect(s.Notifications));

        s.Send(s.BuyerEmail);

        Assert.Null(ProviderOutage.Detect(s.Notifications));
        Assert.All(s.Diagnose(), f => Assert.Equal(Severity.Info, f.Severity));
    }

    [Fact]
    public void MessagesWaitingForTheirFirstSendAreNoOutage()
    {
        var s = Scenario.Launched();

        Assert.Null(ProviderOutage.Detect(s.Notifications));
        Assert.Null(ProviderOutage.Detect([]));
    }

    [Fact]
    public void NothingAlarmingWhileMessagesAreOnTheirWay()
    {
        var s = Scenario.Launched();
        Assert.All(s.Diagnose(), f => Assert.Equal(Severity.Info, f.Severity));

        s.SendAll().Wait(TimeSpan.FromMinutes(5));
        Assert.All(s.Diagnose(), f => Assert.Equal(Severity.Info, f.Severity));

        s.Deliver(s.SellerEmail).Deliver(s.SellerSms);
        Assert.Empty(s.Diagnose());
    }

    [Fact]
    public void ASignedSignerGetsOnlyReceived()
    {
        var s = Scenario.Launched().SendAll();
        s.Bounce(s.SellerSms, "30005 Unknown destination handset", DeliveryFailure.SmsUnknownNumber);
        s.Deliver(s.SellerEmail).Open();
        s.Procedure.Sign(s.Seller.Id, Procedures.Build.Drawn(), s.Now);

        var f = Assert.Single(s.Diagnose());

        Assert.Equal((DiagnosisCodes.Received, Severity.Info), (f.Code, f.Severity));
    }

    [Fact]
    public void FindingsComeErrorFirst()
    {
        var s = Scenario.Launched().SendAll();
        s.Bounce(s.SellerSms, "30003", DeliveryFailure.SmsUnreachable);
        s.SellerEmail.Deferred(s.Now, "421 try later");

        Assert.Equal([Severity.Error, Severity.Warning], s.Diagnose().Select(f => f.Severity));
    }
}
