using Paraphe.Web.Features.Sealing;

namespace Paraphe.Web.Tests.Sealing;

/// <summary>The way each signature was made, from the audit's `signer.signed` method to the evidence page's words.</summary>
public class EvidenceMethods
{
    [Theory]
    [InlineData("remote", "à distance")]
    [InlineData("remote_otp", "à distance avec code SMS")]
    [InlineData("in_person", "en personne")]
    [InlineData("in_person_otp", "en personne avec code SMS")]
    public void EachAuditMethodIsPrintedInFrench(string audit, string printed) =>
        Assert.Equal(printed, EvidencePage.Method(EvidencePage.MethodOf(audit)));

    [Fact]
    public void AnUnknownMethodIsRefusedRatherThanPrintedWrong() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => EvidencePage.MethodOf("by_fax"));
}
