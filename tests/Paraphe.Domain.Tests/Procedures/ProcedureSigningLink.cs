using Paraphe.Domain.Audit;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

/// <summary>EnsureOpenForSigning and RecordOpening: the personal link works only while the procedure is ongoing.</summary>
public class ProcedureSigningLink
{
    [Fact]
    public void IsOpenWhileTheProcedureIsOngoing()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        clock.Advance(TimeSpan.FromDays(29));

        p.EnsureOpenForSigning(clock.Now());
    }

    [Fact]
    public void IsGoneOnceTheProcedureIsCompleted()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.Sign(p.SellerSigner().Id, Build.Drawn(), clock.Now());
        p.Sign(p.BuyerSigner().Id, Build.Drawn(), clock.Now());

        var e = Build.Refused(ErrorCodes.LinkGone, () => p.EnsureOpenForSigning(clock.Now()));

        Assert.Contains("terminée", e.Message);
    }

    [Fact]
    public void IsGoneOnceASignerDeclined()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.Decline(p.BuyerSigner().Id, "Financement refusé", clock.Now());

        var e = Build.Refused(ErrorCodes.LinkGone, () => p.Sign(p.SellerSigner().Id, Build.Drawn(), clock.Now()));

        Assert.Contains("refusée", e.Message);
    }

    [Fact]
    public void IsGoneOnceExpired()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        clock.Advance(TimeSpan.FromDays(31));
        p.ExpireIfDue(clock.Now());

        var e = Build.Refused(ErrorCodes.LinkGone, () => p.EnsureOpenForSigning(clock.Now()));

        Assert.Contains("expiré", e.Message);
    }

    [Fact]
    public void IsGoneForADraft()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);

        Build.Refused(ErrorCodes.LinkGone, () => p.EnsureOpenForSigning(clock.Now()));
    }

    [Fact]
    public void RecordsTheFirstOpeningOnly()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.ClearPendingEvents();
        var seller = p.SellerSigner();
        clock.Advance(TimeSpan.FromMinutes(12));
        var first = clock.Now();

        p.RecordOpening(seller.Id, "203.0.113.7", "Mozilla/5.0 (iPhone)", clock.Now());
        clock.Advance(TimeSpan.FromHours(2));
        p.RecordOpening(seller.Id, "203.0.113.8", "Mozilla/5.0 (Windows NT 10.0)", clock.Now());

        Assert.Equal(first, seller.OpenedAt);
        var e = Assert.Single(p.PendingEvents);
        Assert.Equal(("signer.link_opened", $"signer:{seller.Id}"), (e.Type, e.Actor));
        Assert.Equal("203.0.113.7", e.Fact<SignerLinkOpened>().Ip);
        Assert.Equal("Mozilla/5.0 (iPhone)", e.Fact<SignerLinkOpened>().UserAgent);
        Assert.Null(p.BuyerSigner().OpenedAt);
    }

    [Fact]
    public void RefusesAnOpeningForAnUnknownSigner()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);

        Build.Refused(ErrorCodes.NotFound, () => p.RecordOpening("sgn_inconnu", null, null, clock.Now()));
    }
}
