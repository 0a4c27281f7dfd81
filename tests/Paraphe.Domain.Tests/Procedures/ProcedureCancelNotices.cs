using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureCancelNotices
{
    [Fact]
    public void OnlyInvitedSignersWhoHaveNotSignedAreToldByEmailAndSms()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        var seller = p.Signers.Single(s => s.Order == 1);
        var buyer = p.Signers.Single(s => s.Order == 2);
        p.Sign(seller.Id, new SignatureData(null, "Camille Lefèvre", null, null, false), clock.Now());

        var notices = p.Cancel("Erreur sur le prix", Build.Agent, clock.Now());

        Assert.Equal(2, notices.Count);
        Assert.All(notices, n =>
        {
            Assert.Equal(Purpose.Cancellation, n.Purpose);
            Assert.Equal(buyer.Id, n.SignerId);
            Assert.Equal(DeliveryStatus.Queued, n.Status);
        });
        Assert.Equal([buyer.Email, buyer.Mobile], notices.Select(n => n.To));
    }

    [Theory]
    [InlineData(ProcedureMode.InPerson)]
    [InlineData(ProcedureMode.Manual)]
    public void ModesThatSendNothingCancelSilently(ProcedureMode mode)
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(mode, clock);

        Assert.Empty(p.Cancel("Vente abandonnée", Build.Agent, clock.Now()));
    }

    [Fact]
    public void ADraftHasNobodyToTell()
    {
        var p = Build.DraftWithTwoSigners();

        Assert.Empty(p.Cancel("Doublon", Build.Agent, Build.Clock().Now()));
    }

    [Fact]
    public void CorrectAndRelaunchCanCancelWithoutNotices()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);

        Assert.Empty(p.Cancel("correction des coordonnées", Build.Agent, clock.Now(), notifySigners: false));
        Assert.Equal(ProcedureStatus.Cancelled, p.Status);
    }
}
