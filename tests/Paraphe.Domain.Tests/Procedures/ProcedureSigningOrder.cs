using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

/// <summary>« Dans l'ordre de signature »: signer n + 1 is invited only once signer n has signed.</summary>
public class ProcedureSigningOrder
{
    private static readonly SignatureData Typed = new(null, "Signé", "203.0.113.9", "Mozilla/5.0", InPerson: false);

    private static (Procedure P, List<Notification> Sent, Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock) Launched(
        ProcedureMode mode = ProcedureMode.Remote)
    {
        var clock = Build.Clock();
        var p = Build.Draft(mode, clock, new Procedure.Options(mode, SigningOrder: SigningOrder.Sequential));
        p.AddSigner("ctc_lefevre", null, "vendeur", null, Build.Seller, Build.Agent);
        p.AddSigner("ctc_moreau", null, "acquéreur", null, Build.Buyer, Build.Agent);
        p.AddSigner("ctc_benali", null, "acquéreur", null, Build.SecondBuyer, Build.Agent);
        var sent = p.Launch(clock).ToList();
        return (p, sent, clock);
    }

    private static Signer Third(Procedure p) => p.Signers.Single(s => s.ContactId == "ctc_benali");

    [Fact]
    public void ParallelIsTheDefaultAndInvitesEveryone()
    {
        var p = Build.DraftWithTwoSigners();
        Assert.Equal(SigningOrder.Parallel, p.SigningOrder);
        Assert.Equal(4, p.Launch(Build.Clock()).Count);
    }

    [Fact]
    public void LaunchInvitesOnlyTheFirstSigner()
    {
        var (p, sent, _) = Launched();

        Assert.Equal(2, sent.Count);
        Assert.All(sent, n => Assert.Equal(p.SellerSigner().Id, n.SignerId));
        Assert.NotNull(p.SellerSigner().InvitedAt);
        Assert.Null(p.BuyerSigner().InvitedAt);
        Assert.Null(Third(p).InvitedAt);
        Assert.Equal("sequential", p.PendingEvents.Single(e => e.Type == "procedure.launched").Fact<ProcedureLaunched>().SigningOrder);
    }

    [Fact]
    public void EachSignatureInvitesTheNextSignerUntilTheLastCompletes()
    {
        var (p, _, clock) = Launched();

        var second = p.Sign(p.SellerSigner().Id, Typed, clock.Now());
        Assert.Equal([p.BuyerSigner().Id], second.Select(n => n.SignerId).Distinct());
        Assert.Equal([Channel.Email, Channel.Sms], second.Select(n => n.Channel));
        Assert.Null(Third(p).InvitedAt);
        var invited = p.PendingEvents.Last(e => e.Type == "signer.invited");
        Assert.Equal(p.BuyerSigner().Id, invited.Fact<SignerInvited>().SignerId);

        var third = p.Sign(p.BuyerSigner().Id, Typed, clock.Now());
        Assert.Equal([Third(p).Id], third.Select(n => n.SignerId).Distinct());

        Assert.Empty(p.Sign(Third(p).Id, Typed, clock.Now()));
        Assert.Equal(ProcedureStatus.Completed, p.Status);
    }

    [Fact]
    public void ASignerCannotSignBeforeTheirTurn()
    {
        var (p, _, clock) = Launched();

        var e = Build.Refused(ErrorCodes.NotSignerTurn, () => p.Sign(Third(p).Id, Typed, clock.Now()));
        Assert.Contains("Camille Lefèvre", e.Message, StringComparison.Ordinal);
        Assert.Equal(SignerStatus.Pending, Third(p).Status);
    }

    [Fact]
    public void AReminderBeforeTheSignersTurnIsRefused()
    {
        var (p, _, clock) = Launched();
        clock.Advance(TimeSpan.FromDays(3));

        Build.Refused(ErrorCodes.NotSignerTurn, () => p.Remind(p.BuyerSigner().Id, Build.Agent, clock.Now()));
        Assert.Equal(2, p.Remind(p.SellerSigner().Id, Build.Agent, clock.Now()).Count);
    }

    [Fact]
    public void AutomaticRemindersGoOnlyToSignersAlreadyInvited()
    {
        var (p, _, clock) = Launched();
        clock.Advance(TimeSpan.FromDays(2));

        var due = p.DueAutomaticReminders(clock.Now());

        Assert.Equal([p.SellerSigner().Id], due.Select(n => n.SignerId).Distinct());
    }

    [Fact]
    public void ADeclineEndsTheProcedureAndInvitesNobodyElse()
    {
        var (p, _, clock) = Launched();
        p.Sign(p.SellerSigner().Id, Typed, clock.Now());

        p.Decline(p.BuyerSigner().Id, "Le prix a changé", clock.Now());

        Assert.Equal(ProcedureStatus.Declined, p.Status);
        Assert.Null(Third(p).InvitedAt);
        Assert.DoesNotContain(p.PendingEvents, e => e.Type == "signer.invited" && e.Fact<SignerInvited>().SignerId == Third(p).Id);
    }

    [Fact]
    public void FaceToFaceFollowsTheOrderOnTheDevice()
    {
        var (p, sent, clock) = Launched(ProcedureMode.InPerson);
        var inPerson = Typed with { InPerson = true };

        Assert.Empty(sent);
        Build.Refused(ErrorCodes.NotSignerTurn, () => p.Sign(p.BuyerSigner().Id, inPerson, clock.Now()));
        Assert.Empty(p.Sign(p.SellerSigner().Id, inPerson, clock.Now()));
        Assert.Empty(p.Sign(p.BuyerSigner().Id, inPerson, clock.Now()));
    }

    [Fact]
    public void WithACodeOnlyTheSignerWhoseTurnItIsCanAskForOne()
    {
        var clock = Build.Clock();
        var p = Build.Draft(ProcedureMode.Remote, clock,
            new Procedure.Options(ProcedureMode.Remote, Otp: true, SigningOrder: SigningOrder.Sequential));
        p.AddSigner("ctc_lefevre", null, "vendeur", null, Build.Seller, Build.Agent);
        p.AddSigner("ctc_moreau", null, "acquéreur", null, Build.Buyer, Build.Agent);
        p.Launch(clock);

        Build.Refused(ErrorCodes.NotSignerTurn, () => p.RequestOtp(p.BuyerSigner().Id, Build.OtpKey, clock.Now()));
        var (sms, _) = p.RequestOtp(p.SellerSigner().Id, Build.OtpKey, clock.Now());
        Assert.Equal(p.SellerSigner().Mobile, sms.To);
    }

    [Fact]
    public void RelaunchKeepsTheOrder()
    {
        var (p, _, clock) = Launched();
        p.Cancel("correction", Build.Agent, clock.Now());

        var next = p.Relaunch(Build.Unchanged, Build.Agent, clock.Now());

        Assert.Equal(SigningOrder.Sequential, next.SigningOrder);
    }

    [Fact]
    public void TheOrderCanBeChangedOnADraft()
    {
        var p = Build.DraftWithTwoSigners();
        p.Update(new Procedure.Options(ProcedureMode.Remote, SigningOrder: SigningOrder.Sequential), null, null, Build.Agent);
        Assert.True(p.IsSequential);
        p.Update(new Procedure.Options(ProcedureMode.Remote), null, null, Build.Agent);
        Assert.True(p.IsSequential); // null keeps it
    }
}
