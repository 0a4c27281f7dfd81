using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Domain.Tests.Procedures;

namespace Paraphe.Domain.Tests.Diagnosis;

/// <summary>In the order of signature, a signer not yet invited is waiting by design: nothing blames their channels.</summary>
public class SignerDiagnosisSequential
{
    [Fact]
    public void ASignerNotYetInvitedIsWaitingForThePreviousSigners()
    {
        var s = Scenario.Sequential().SendAll();
        var buyer = s.Procedure.BuyerSigner();

        var findings = SignerDiagnosis.ForProcedure(s.Procedure, s.Notifications, s.Now.AddDays(3))[buyer.Id];

        var only = Assert.Single(findings);
        Assert.Equal(DiagnosisCodes.AwaitingPreviousSigners, only.Code);
        Assert.Equal(Severity.Info, only.Severity);
        Assert.StartsWith("En attente des signataires précédents", only.Message, StringComparison.Ordinal);
        Assert.Contains("Camille Lefèvre", only.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnceThePreviousSignerSignsTheNextIsInvitedAndDiagnosedAsUsual()
    {
        var s = Scenario.Sequential().SendAll();
        s.Deliver(s.SellerEmail);
        var next = s.Procedure.Sign(s.Seller.Id, new SignatureData(null, "Camille Lefèvre", null, null, false), s.Now);
        s.Notifications.AddRange(next);
        var buyer = s.Procedure.BuyerSigner();

        Assert.Equal(2, next.Count);
        Assert.All(next, n => Assert.Equal(buyer.Id, n.SignerId));
        var findings = SignerDiagnosis.ForProcedure(s.Procedure, s.Notifications, s.Now)[buyer.Id];
        Assert.DoesNotContain(findings, f => f.Code == DiagnosisCodes.AwaitingPreviousSigners);
        Assert.Contains(findings, f => f.Code == DiagnosisCodes.InTransit);
    }

    [Fact]
    public void FaceToFaceInOrderSaysWhoSignsFirst()
    {
        var s = Scenario.Sequential(ProcedureMode.InPerson);
        var buyer = s.Procedure.BuyerSigner();

        var findings = SignerDiagnosis.ForProcedure(s.Procedure, s.Notifications, s.Now)[buyer.Id];

        Assert.Contains(findings, f => f.Code == DiagnosisCodes.AwaitingPreviousSigners);
        Assert.Empty(s.Notifications);
    }
}
