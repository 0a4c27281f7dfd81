using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Domain.Tests.Procedures;

namespace Paraphe.Domain.Tests.Diagnosis;

/// <summary>Face to face with a code by SMS: no invitation, but the code SMS is followed while the signer waits for it.</summary>
public class SignerDiagnosisInPerson
{
    private static IReadOnlyList<string> Codes(Scenario s) => s.Diagnose().Select(f => f.Code).ToList();

    [Fact]
    public void BeforeAnyCodeNothingIsSentAndTheDiagnosisSaysSo()
    {
        var s = Scenario.InPersonWithCode();

        Assert.Empty(s.Notifications);
        Assert.Equal([DiagnosisCodes.ModeInPerson], Codes(s));
        Assert.Contains("aucun email ni SMS", s.Finding(DiagnosisCodes.ModeInPerson).Message);
    }

    [Fact]
    public void OnceACodeWasSentTheModeNoLongerClaimsNoSmsAndTheCodeIsFollowed()
    {
        var s = Scenario.InPersonWithCode();
        s.Send(s.RequestCode());

        Assert.Equal([DiagnosisCodes.ModeInPerson, DiagnosisCodes.InTransit], Codes(s));
        var mode = s.Finding(DiagnosisCodes.ModeInPerson).Message;
        Assert.DoesNotContain("aucun email ni SMS", mode);
        Assert.Contains("aucune invitation", mode);
        Assert.Contains("code de signature", mode);
        Assert.Contains("+33612345678", s.Finding(DiagnosisCodes.InTransit).Message);
    }

    [Fact]
    public void ADeliveredCodeNeedsNoAdvice()
    {
        var s = Scenario.InPersonWithCode();
        s.Deliver(s.RequestCode());

        Assert.Equal([DiagnosisCodes.ModeInPerson], Codes(s));
    }

    [Fact]
    public void ACodeToAnUnknownNumberLeadsToCorrectAndRelaunch()
    {
        var s = Scenario.InPersonWithCode();
        s.Bounce(s.RequestCode(), "21211 unknown subscriber", DeliveryFailure.SmsUnknownNumber);

        var f = s.Finding(DiagnosisCodes.SmsUnknownNumber);
        Assert.Equal(Severity.Error, f.Severity);
        Assert.Equal(ActionKinds.CorrectAndRelaunch, f.ActionKind);
        Assert.Equal(DiagnosisCodes.SmsUnknownNumber, s.Diagnose()[0].Code);
    }

    [Fact]
    public void AnyOtherFailureOfTheCodeSaysToAskForAnotherOne()
    {
        var s = Scenario.InPersonWithCode();
        s.Bounce(s.RequestCode(), "téléphone éteint", DeliveryFailure.SmsUnreachable);

        var f = s.Finding(DiagnosisCodes.SmsFailed);
        Assert.Contains("code de signature", f.Message);
        Assert.Contains("Renvoyer un code", f.Action);
        Assert.DoesNotContain("email", f.Action); // face to face, no email carries a link
    }

    [Fact]
    public void OnceSignedOnlyTheModeRemainsAsInformation()
    {
        var s = Scenario.InPersonWithCode();
        var sms = s.RequestCode();
        s.Bounce(sms, "téléphone éteint", DeliveryFailure.SmsUnreachable);
        var (_, code) = s.Procedure.RequestOtp(s.Seller.Id, Build.OtpKey, s.Now);
        Assert.True(s.Procedure.VerifyOtp(s.Seller.Id, Build.OtpKey.CodeFor(s.Seller.Id, code.Id), Build.OtpKey, s.Now).Verified);
        s.Procedure.Sign(s.Seller.Id, Build.Drawn(inPerson: true), s.Now);

        var f = Assert.Single(s.Diagnose());
        Assert.Equal((DiagnosisCodes.ModeInPerson, Severity.Info), (f.Code, f.Severity));
        Assert.Equal("Rien à faire : le client a signé en face à face.", f.Action); // not « faites signer »
        Assert.Contains("document signé par email", f.Message);
    }
}
