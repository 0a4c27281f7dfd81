using Paraphe.Domain.Audit;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureDecline
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void RequiresAReason(string? reason)
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);

        var e = Build.Refused(ErrorCodes.ValidationFailed, () => p.Decline(p.BuyerSigner().Id, reason, clock.Now()));

        Assert.Equal(["reason"], e.Errors.Keys);
        Assert.Equal(ProcedureStatus.Ongoing, p.Status);
        Assert.Equal(SignerStatus.Pending, p.BuyerSigner().Status);
    }

    [Fact]
    public void DeclinesTheSignerAndTheProcedure()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        clock.Advance(TimeSpan.FromDays(3));

        p.Decline(p.BuyerSigner().Id, "  Mon prêt immobilier a été refusé. ", clock.Now());

        var buyer = p.BuyerSigner();
        Assert.Equal(SignerStatus.Declined, buyer.Status);
        Assert.Equal(clock.Now(), buyer.DeclinedAt);
        Assert.Equal("Mon prêt immobilier a été refusé.", buyer.DeclineReason);
        Assert.Equal(ProcedureStatus.Declined, p.Status);
        Assert.Equal(clock.Now(), p.DeclinedAt);
        Assert.True(p.IsFinished);
        Assert.Equal(SignerStatus.Pending, p.SellerSigner().Status);
    }

    [Fact]
    public void DeclinesAfterAnotherSignerSigned()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.Sign(p.SellerSigner().Id, Build.Drawn(), clock.Now());

        p.Decline(p.BuyerSigner().Id, "Le prix a changé", clock.Now());

        Assert.Equal(ProcedureStatus.Declined, p.Status);
        Assert.Equal(SignerStatus.Signed, p.SellerSigner().Status);
    }

    [Fact]
    public void RefusesASecondAnswerFromTheSameSigner()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);
        p.AddSigner("ctc_benali", null, "acquéreur", null, Build.SecondBuyer, Build.Agent);
        p.Launch(clock);
        p.Sign(p.BuyerSigner().Id, Build.Drawn(), clock.Now());

        var e = Build.Refused(ErrorCodes.InvalidTransition, () => p.Decline(p.BuyerSigner().Id, "Finalement non", clock.Now()));

        Assert.Contains("déjà répondu", e.Message);
        Assert.Equal(SignerStatus.Signed, p.BuyerSigner().Status);
        Assert.Equal(ProcedureStatus.Ongoing, p.Status);
    }

    [Fact]
    public void RefusesAnyAnswerOnceDeclined()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.Decline(p.BuyerSigner().Id, "Financement refusé", clock.Now());

        Build.Refused(ErrorCodes.LinkGone, () => p.Decline(p.BuyerSigner().Id, "Encore non", clock.Now()));
        Build.Refused(ErrorCodes.LinkGone, () => p.Sign(p.BuyerSigner().Id, Build.Drawn(), clock.Now()));
        Build.Refused(ErrorCodes.LinkGone, () => p.Decline(p.SellerSigner().Id, "Moi non plus", clock.Now()));
    }

    [Fact]
    public void RecordsADeclinedEventWithTheReason()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.ClearPendingEvents();

        p.Decline(p.BuyerSigner().Id, "Financement refusé", clock.Now());

        var e = Assert.Single(p.PendingEvents);
        Assert.Equal(("signer.declined", $"signer:{p.BuyerSigner().Id}"), (e.Type, e.Actor));
        Assert.Equal("Financement refusé", e.Fact<SignerDeclined>().Reason);
        Assert.Equal(p.BuyerSigner().Id, e.Fact<SignerDeclined>().SignerId);
    }
}
