using Paraphe.Domain.Audit;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureRemoveSigner
{
    [Fact]
    public void RemovesTheSignerFromADraft()
    {
        var p = Build.DraftWithTwoSigners();
        var seller = p.SellerSigner();

        p.RemoveSigner(seller.Id, Build.Agent);

        Assert.Equal("ctc_moreau", Assert.Single(p.Signers).ContactId);
    }

    [Fact]
    public void LetsTheRemovedContactBeAddedAgain()
    {
        var p = Build.DraftWithTwoSigners();
        p.RemoveSigner(p.SellerSigner().Id, Build.Agent);

        p.AddSigner("ctc_lefevre", null, "vendeur", null, Build.Seller, Build.Agent);

        Assert.Equal(2, p.Signers.Count);
    }

    [Fact]
    public void RefusesASignerOfAnotherProcedure()
    {
        var p = Build.DraftWithTwoSigners();
        var other = Build.DraftWithTwoSigners();

        Build.Refused(ErrorCodes.NotFound, () => p.RemoveSigner(other.SellerSigner().Id, Build.Agent));

        Assert.Equal(2, p.Signers.Count);
    }

    [Fact]
    public void RecordsASignerRemovedEvent()
    {
        var p = Build.DraftWithTwoSigners();
        var buyer = p.BuyerSigner();
        p.ClearPendingEvents();

        p.RemoveSigner(buyer.Id, "user:usr_directrice_garnier");

        var e = Assert.Single(p.PendingEvents);
        Assert.Equal("signer.removed", e.Type);
        Assert.Equal("user:usr_directrice_garnier", e.Actor);
        Assert.Equal(buyer.Id, e.Fact<SignerRemoved>().SignerId);
    }

    [Fact]
    public void RenumbersTheRemainingSigners()
    {
        var p = Build.DraftWithTwoSigners();
        p.AddSigner(null, "usr_directrice_garnier", "agence", null, Build.Director, Build.Agent);

        p.RemoveSigner(p.SellerSigner().Id, Build.Agent);

        Assert.Equal([("ctc_moreau", 1), (null, 2)], p.Signers.Select(s => (s.ContactId, s.Order)));
    }

    [Fact]
    public void GivesTheNextAddedSignerAnOrderOfItsOwn()
    {
        var p = Build.DraftWithTwoSigners();
        p.RemoveSigner(p.SellerSigner().Id, Build.Agent);

        p.AddSigner("ctc_benali", null, "acquéreur", null, Build.SecondBuyer, Build.Agent);

        Assert.Equal([1, 2], p.Signers.Select(s => s.Order).Order());
    }
}
