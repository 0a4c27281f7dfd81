using Paraphe.Domain.Audit;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureExpiry
{
    [Fact]
    public void DoesNothingBeforeTheExpiryTime()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromTicks(1));

        Assert.False(p.ExpireIfDue(clock.Now()));

        Assert.Equal(ProcedureStatus.Ongoing, p.Status);
        Assert.Null(p.ExpiredAt);
    }

    [Fact]
    public void ExpiresExactlyAtTheExpiryTime()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        clock.Advance(TimeSpan.FromDays(30));

        Assert.True(p.ExpireIfDue(clock.Now()));

        Assert.Equal(ProcedureStatus.Expired, p.Status);
        Assert.Equal(clock.Now(), p.ExpiredAt);
        Assert.True(p.IsFinished);
    }

    [Fact]
    public void ExpiresWhenTheSweepRunsLate()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        var due = p.ExpiresAt;
        clock.Advance(TimeSpan.FromDays(45));

        Assert.True(p.ExpireIfDue(clock.Now()));

        Assert.Equal(clock.Now(), p.ExpiredAt);
        Assert.Equal(due, p.PendingEvents[^1].Fact<ProcedureExpired>().ExpiresAt);
    }

    [Fact]
    public void ExpiresOnlyOnce()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        clock.Advance(TimeSpan.FromDays(31));
        p.ExpireIfDue(clock.Now());
        var expiredAt = p.ExpiredAt;
        var events = p.PendingEvents.Count;
        clock.Advance(TimeSpan.FromDays(1));

        Assert.False(p.ExpireIfDue(clock.Now()));

        Assert.Equal(expiredAt, p.ExpiredAt);
        Assert.Equal(events, p.PendingEvents.Count);
    }

    [Fact]
    public void NeverExpiresADraft()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);
        clock.Advance(TimeSpan.FromDays(400));

        Assert.False(p.ExpireIfDue(clock.Now()));

        Assert.Equal(ProcedureStatus.Draft, p.Status);
    }

    [Fact]
    public void NeverExpiresAFinishedProcedure()
    {
        var clock = Build.Clock();
        var completed = Build.Ongoing(ProcedureMode.Manual, clock);
        completed.MarkSigned(null, Build.Agent, clock.Now());
        var cancelled = Build.Ongoing(ProcedureMode.Remote, clock);
        cancelled.Cancel("Vente abandonnée", Build.Agent, clock.Now());
        clock.Advance(TimeSpan.FromDays(60));

        Assert.False(completed.ExpireIfDue(clock.Now()));
        Assert.False(cancelled.ExpireIfDue(clock.Now()));

        Assert.Equal(ProcedureStatus.Completed, completed.Status);
        Assert.Equal(ProcedureStatus.Cancelled, cancelled.Status);
    }

    [Fact]
    public void FollowsTheConfiguredValidity()
    {
        var clock = Build.Clock();
        var p = Build.Draft(clock: clock, options: new Procedure.Options(ProcedureMode.Remote, ExpiresInDays: 1));
        p.AddSigner("ctc_lefevre", null, "vendeur", null, Build.Seller, Build.Agent);
        p.Launch(clock);
        clock.Advance(TimeSpan.FromHours(23));
        Assert.False(p.ExpireIfDue(clock.Now()));

        clock.Advance(TimeSpan.FromHours(1));

        Assert.True(p.ExpireIfDue(clock.Now()));
    }

    [Fact]
    public void RefusesTheLinkAfterExpiryEvenBeforeTheSweepRan()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        clock.Advance(TimeSpan.FromDays(30));

        var e = Build.Refused(ErrorCodes.LinkGone, () => p.EnsureOpenForSigning(clock.Now()));
        Build.Refused(ErrorCodes.LinkGone, () => p.Sign(p.SellerSigner().Id, Build.Drawn(), clock.Now()));
        Build.Refused(ErrorCodes.LinkGone, () => p.Decline(p.SellerSigner().Id, "Trop tard", clock.Now()));
        Build.Refused(ErrorCodes.LinkGone, () => p.RecordOpening(p.SellerSigner().Id, null, null, clock.Now()));

        Assert.Contains("expiré", e.Message);
        Assert.Equal(ProcedureStatus.Ongoing, p.Status);
        Assert.All(p.Signers, s => Assert.Equal(SignerStatus.Pending, s.Status));
    }

    [Fact]
    public void LetsTheLastMomentSignatureThrough()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));

        p.Sign(p.SellerSigner().Id, Build.Drawn(), clock.Now());

        Assert.Equal(SignerStatus.Signed, p.SellerSigner().Status);
    }

    [Fact]
    public void RecordsAnExpiredEventBySystem()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.ClearPendingEvents();

        p.ExpireIfDue(clock.Now().AddDays(30));

        var e = Assert.Single(p.PendingEvents);
        Assert.Equal(("procedure.expired", "system"), (e.Type, e.Actor));
    }
}
