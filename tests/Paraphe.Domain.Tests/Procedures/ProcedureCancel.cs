using Paraphe.Domain.Audit;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureCancel
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  \t ")]
    public void RequiresAReason(string? reason)
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);

        var e = Build.Refused(ErrorCodes.ValidationFailed, () => p.Cancel(reason, Build.Agent, clock.Now()));

        Assert.Equal(["reason"], e.Errors.Keys);
        Assert.Equal(ProcedureStatus.Ongoing, p.Status);
    }

    [Fact]
    public void CancelsAnOngoingProcedureAndKeepsTheTrimmedReason()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        clock.Advance(TimeSpan.FromDays(2));

        p.Cancel("  Erreur sur le prix de vente ", Build.Agent, clock.Now());

        Assert.Equal(ProcedureStatus.Cancelled, p.Status);
        Assert.True(p.IsFinished);
        Assert.Equal(clock.Now(), p.CancelledAt);
        Assert.Equal("Erreur sur le prix de vente", p.CancelReason);
    }

    [Fact]
    public void CancelsADraft()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);

        p.Cancel("Vente abandonnée", Build.Agent, clock.Now());

        Assert.Equal(ProcedureStatus.Cancelled, p.Status);
    }

    [Fact]
    public void StopsTheSigningLinksAtOnce()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);

        p.Cancel("Erreur sur le prix", Build.Agent, clock.Now());

        var e = Build.Refused(ErrorCodes.LinkGone, () => p.EnsureOpenForSigning(clock.Now()));
        Assert.Contains("annulée", e.Message);
        Build.Refused(ErrorCodes.LinkGone, () => p.Sign(p.SellerSigner().Id, Build.Drawn(), clock.Now()));
        Build.Refused(ErrorCodes.LinkGone, () => p.Decline(p.SellerSigner().Id, "Trop tard", clock.Now()));
        Build.Refused(ErrorCodes.LinkGone, () => p.RecordOpening(p.SellerSigner().Id, null, null, clock.Now()));
    }

    [Fact]
    public void IsRefusedOnACompletedProcedure()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Manual, clock);
        p.MarkSigned(null, Build.Agent, clock.Now());

        var e = Build.Refused(ErrorCodes.InvalidTransition, () => p.Cancel("Trop tard", Build.Agent, clock.Now()));

        Assert.Contains("terminée", e.Message);
        Assert.Equal(ProcedureStatus.Completed, p.Status);
    }

    [Fact]
    public void IsRefusedOnACancelledProcedure()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.Cancel("Erreur sur le prix", Build.Agent, clock.Now());
        var cancelledAt = p.CancelledAt;
        clock.Advance(TimeSpan.FromHours(1));

        var e = Build.Refused(ErrorCodes.InvalidTransition, () => p.Cancel("Encore", Build.Agent, clock.Now()));

        Assert.Contains("annulée", e.Message);
        Assert.Equal(cancelledAt, p.CancelledAt);
        Assert.Equal("Erreur sur le prix", p.CancelReason);
    }

    [Fact]
    public void IsRefusedOnADeclinedOrExpiredProcedure()
    {
        var clock = Build.Clock();
        var declined = Build.Ongoing(ProcedureMode.Remote, clock);
        declined.Decline(declined.BuyerSigner().Id, "Je ne souhaite plus acheter", clock.Now());
        var expired = Build.Ongoing(ProcedureMode.Remote, clock);
        expired.ExpireIfDue(clock.Now().AddDays(30));

        Build.Refused(ErrorCodes.InvalidTransition, () => declined.Cancel("x", Build.Agent, clock.Now()));
        Build.Refused(ErrorCodes.InvalidTransition, () => expired.Cancel("x", Build.Agent, clock.Now()));
    }

    [Fact]
    public void RecordsACancelledEventWithTheReason()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.ClearPendingEvents();

        p.Cancel("Erreur sur le prix", "user:usr_directrice_garnier", clock.Now());

        var e = Assert.Single(p.PendingEvents);
        Assert.Equal(("procedure.cancelled", "user:usr_directrice_garnier"), (e.Type, e.Actor));
        Assert.Equal("Erreur sur le prix", e.Fact<ProcedureCancelled>().Reason);
    }
}
