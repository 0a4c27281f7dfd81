using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Tests.Procedures;

namespace Paraphe.Domain.Tests.Diagnosis;

/// <summary>The notary's email (and the agent's copy) is diagnosed with the same codes as a signer's messages.</summary>
public class DocumentMessageDiagnosisTable
{
    private static Notification Notary()
    {
        var n = Notification.Queue(Build.AgencyId, "prc_1", null, Channel.Email, Purpose.Notary, "etude@notaires.fr", Build.Start.UtcDateTime);
        n.Accepted("smtp", "<m@x>", Build.Start.UtcDateTime.AddSeconds(1));
        return n;
    }

    [Theory]
    [InlineData(DeliveryStatus.Delivered, DeliveryFailure.None, DiagnosisCodes.Received, Severity.Info)]
    [InlineData(DeliveryStatus.Failed, DeliveryFailure.MailboxUnknown, DiagnosisCodes.EmailHardBounce, Severity.Error)]
    [InlineData(DeliveryStatus.Failed, DeliveryFailure.DomainUnknown, DiagnosisCodes.EmailHardBounce, Severity.Error)]
    [InlineData(DeliveryStatus.Failed, DeliveryFailure.Blocked, DiagnosisCodes.EmailBlocked, Severity.Error)]
    [InlineData(DeliveryStatus.Failed, DeliveryFailure.Other, DiagnosisCodes.EmailFailed, Severity.Error)]
    [InlineData(DeliveryStatus.Deferred, DeliveryFailure.None, DiagnosisCodes.EmailDeferred, Severity.Warning)]
    public void EachDeliveryOutcomeHasItsCodeAndAdvice(DeliveryStatus status, DeliveryFailure failure, string code, Severity severity)
    {
        var n = Notary();
        n.Report(new DeliveryReport(status, Build.Start.UtcDateTime.AddMinutes(1), "550 5.1.1 unknown", failure), Build.Start.UtcDateTime.AddMinutes(1));

        var finding = DocumentMessageDiagnosis.For(n);

        Assert.Equal((code, severity), (finding.Code, finding.Severity));
        Assert.False(string.IsNullOrWhiteSpace(finding.Action));
        if (status == DeliveryStatus.Failed) Assert.Contains("l'étude notariale", finding.Message + finding.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void AMessageStillOnItsWayIsInTransit()
    {
        Assert.Equal(DiagnosisCodes.InTransit, DocumentMessageDiagnosis.For(Notary()).Code);
    }
}
