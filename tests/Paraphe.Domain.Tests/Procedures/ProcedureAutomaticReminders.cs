using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureAutomaticReminders
{
    private static Procedure Ongoing(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, int interval = 3, int max = 2)
    {
        var p = Build.Draft(ProcedureMode.Remote, clock, new Procedure.Options(ProcedureMode.Remote, ReminderIntervalDays: interval, ReminderMax: max));
        p.AddSigner("ctc_lefevre", null, "vendeur", null, Build.Seller, Build.Agent);
        p.AddSigner("ctc_moreau", null, "acquéreur", null, Build.Buyer, Build.Agent);
        p.Launch(clock);
        p.ClearPendingEvents();
        return p;
    }

    [Fact]
    public void NoneBeforeTheIntervalSinceTheInvitation()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        clock.Advance(TimeSpan.FromDays(3) - TimeSpan.FromSeconds(1));

        Assert.Empty(p.DueAutomaticReminders(clock.Now()));
    }

    [Fact]
    public void RemindsEveryPendingSignerEveryNDaysAtMostMTimes()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock, interval: 3, max: 2);

        clock.Advance(TimeSpan.FromDays(3));
        var first = p.DueAutomaticReminders(clock.Now());
        Assert.Equal(4, first.Count);
        Assert.All(first, n => Assert.Equal(Purpose.Reminder, n.Purpose));
        Assert.Empty(p.DueAutomaticReminders(clock.Now()));

        clock.Advance(TimeSpan.FromDays(3) - TimeSpan.FromSeconds(1));
        Assert.Empty(p.DueAutomaticReminders(clock.Now()));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(4, p.DueAutomaticReminders(clock.Now()).Count);

        clock.Advance(TimeSpan.FromDays(10));
        Assert.Empty(p.DueAutomaticReminders(clock.Now()));
        Assert.All(p.Signers, s => Assert.Equal(2, s.AutoRemindersSent));
        Assert.All(p.PendingEvents, e => Assert.Equal(("signer.reminded", "system", "automatic"), (e.Type, e.Actor, e.Fact<SignerReminded>().Kind)));
    }

    [Fact]
    public void AManualReminderPushesTheNextAutomaticOneBackButDoesNotUseTheQuota()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock, interval: 3, max: 1);
        clock.Advance(TimeSpan.FromDays(2));
        p.Remind(p.BuyerSigner().Id, Build.Agent, clock.Now());

        clock.Advance(TimeSpan.FromDays(1));
        var due = p.DueAutomaticReminders(clock.Now());
        Assert.All(due, n => Assert.Equal(p.SellerSigner().Id, n.SignerId));

        clock.Advance(TimeSpan.FromDays(2));
        Assert.All(p.DueAutomaticReminders(clock.Now()), n => Assert.Equal(p.BuyerSigner().Id, n.SignerId));
        Assert.Equal(2, p.BuyerSigner().RemindersSent);
        Assert.Equal(1, p.BuyerSigner().AutoRemindersSent);
    }

    [Fact]
    public void NoneForASignerWhoSigned()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        p.Sign(p.BuyerSigner().Id, Build.Drawn(), clock.Now());
        clock.Advance(TimeSpan.FromDays(3));

        Assert.All(p.DueAutomaticReminders(clock.Now()), n => Assert.Equal(p.SellerSigner().Id, n.SignerId));
    }

    [Fact]
    public void NoneAfterCompletion()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        p.Sign(p.BuyerSigner().Id, Build.Drawn(), clock.Now());
        p.Sign(p.SellerSigner().Id, Build.Drawn(), clock.Now());
        clock.Advance(TimeSpan.FromDays(3));

        Assert.Equal(ProcedureStatus.Completed, p.Status);
        Assert.Empty(p.DueAutomaticReminders(clock.Now()));
    }

    [Fact]
    public void NoneAfterCancellation()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        p.Cancel("vente abandonnée", Build.Agent, clock.Now());
        clock.Advance(TimeSpan.FromDays(3));

        Assert.Empty(p.DueAutomaticReminders(clock.Now()));
    }

    [Fact]
    public void NoneAfterExpiryMarkedOrNot()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock, interval: 60, max: 3);
        clock.Advance(TimeSpan.FromDays(60));

        Assert.Empty(p.DueAutomaticReminders(clock.Now()));
        p.ExpireIfDue(clock.Now());
        Assert.Empty(p.DueAutomaticReminders(clock.Now()));
    }

    [Fact]
    public void NoneAfterADecline()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        p.Decline(p.BuyerSigner().Id, "prix trop élevé", clock.Now());
        clock.Advance(TimeSpan.FromDays(3));

        Assert.Empty(p.DueAutomaticReminders(clock.Now()));
    }

    [Theory]
    [InlineData(ProcedureMode.InPerson)]
    [InlineData(ProcedureMode.Manual)]
    public void NoneOutsideRemoteMode(ProcedureMode mode)
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(mode, clock);
        clock.Advance(TimeSpan.FromDays(3));

        Assert.Empty(p.DueAutomaticReminders(clock.Now()));
    }

    [Fact]
    public void NoneWhenTheMaximumIsZero()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock, interval: 2, max: 0);
        clock.Advance(TimeSpan.FromDays(20));

        Assert.Empty(p.DueAutomaticReminders(clock.Now()));
    }
}
