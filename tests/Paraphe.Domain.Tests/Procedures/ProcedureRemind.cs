using Paraphe.Domain.Audit;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureRemind
{
    private static readonly TimeSpan TwoDays = TimeSpan.FromDays(2);

    [Fact]
    public void SendsAnEmailAndAnSmsToTheFrozenCoordinatesAndRecordsIt()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.ClearPendingEvents();
        clock.Advance(TimeSpan.FromHours(5));
        var buyer = p.BuyerSigner();

        var sent = p.Remind(buyer.Id, Build.Agent, clock.Now());

        Assert.Equal([Channel.Email, Channel.Sms], sent.Select(n => n.Channel));
        Assert.All(sent, n => Assert.Equal(Purpose.Reminder, n.Purpose));
        Assert.All(sent, n => Assert.Equal(buyer.Id, n.SignerId));
        Assert.Equal([Build.Buyer.Email, Build.Buyer.Mobile], sent.Select(n => n.To));
        Assert.Equal(1, buyer.RemindersSent);
        Assert.Equal(0, buyer.AutoRemindersSent);
        Assert.Equal(clock.Now() + TwoDays, buyer.NextManualReminderAt);
        var e = Assert.Single(p.PendingEvents);
        Assert.Equal("signer.reminded", e.Type);
        Assert.Equal(Build.Agent, e.Actor);
        Assert.Equal("manual", e.Fact<SignerReminded>().Kind);
    }

    [Fact]
    public void RefusesASecondReminderOneSecondBeforeTheWindowEndsWithTheNextAllowedTime()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        var buyer = p.BuyerSigner();
        p.Remind(buyer.Id, Build.Agent, clock.Now());
        var next = clock.Now() + TwoDays;
        clock.Advance(TwoDays - TimeSpan.FromSeconds(1));

        var e = Build.Refused(ErrorCodes.ReminderCooldown, () => p.Remind(buyer.Id, Build.Agent, clock.Now()));

        Assert.Equal(next.ToString("yyyy-MM-ddTHH:mm:ssZ"), e.Extensions["next_reminder_at"]);
        Assert.Equal(1, buyer.RemindersSent);
    }

    [Fact]
    public void AllowsTheNextReminderExactlyTwoDaysLater()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        var buyer = p.BuyerSigner();
        p.Remind(buyer.Id, Build.Agent, clock.Now());
        clock.Advance(TwoDays);

        Assert.Equal(2, p.Remind(buyer.Id, Build.Agent, clock.Now()).Count);
        Assert.Equal(2, buyer.RemindersSent);
    }

    [Fact]
    public void TheWindowIsPerSigner()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.Remind(p.BuyerSigner().Id, Build.Agent, clock.Now());

        Assert.Equal(2, p.Remind(p.SellerSigner().Id, Build.Agent, clock.Now()).Count);
    }

    [Fact]
    public void RefusesAManualReminderInsideTheWindowOfAnAutomaticOne()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        clock.Advance(TwoDays);
        Assert.Equal(4, p.DueAutomaticReminders(clock.Now()).Count);
        clock.Advance(TimeSpan.FromDays(1));

        Build.Refused(ErrorCodes.ReminderCooldown, () => p.Remind(p.BuyerSigner().Id, Build.Agent, clock.Now()));
    }

    [Theory]
    [InlineData(ProcedureMode.InPerson)]
    [InlineData(ProcedureMode.Manual)]
    public void RefusesWhenTheProcedureIsNotRemote(ProcedureMode mode)
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(mode, clock);

        Build.Refused(ErrorCodes.InvalidTransition, () => p.Remind(p.BuyerSigner().Id, Build.Agent, clock.Now()));
    }

    [Fact]
    public void RefusesOnADraft()
    {
        var p = Build.DraftWithTwoSigners();

        Build.Refused(ErrorCodes.InvalidTransition, () => p.Remind(p.BuyerSigner().Id, Build.Agent, Build.Start.UtcDateTime));
    }

    [Fact]
    public void RefusesASignerWhoSigned()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.Sign(p.BuyerSigner().Id, Build.Drawn(), clock.Now());

        Build.Refused(ErrorCodes.InvalidTransition, () => p.Remind(p.BuyerSigner().Id, Build.Agent, clock.Now()));
        Assert.Equal(2, p.Remind(p.SellerSigner().Id, Build.Agent, clock.Now()).Count);
    }

    [Fact]
    public void RefusesOnACancelledProcedure()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.Cancel("erreur de prix", Build.Agent, clock.Now());

        Build.Refused(ErrorCodes.InvalidTransition, () => p.Remind(p.BuyerSigner().Id, Build.Agent, clock.Now()));
    }

    [Fact]
    public void RefusesPastTheExpiryEvenBeforeTheSweepMarksIt()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        clock.Advance(TimeSpan.FromDays(30));

        Build.Refused(ErrorCodes.InvalidTransition, () => p.Remind(p.BuyerSigner().Id, Build.Agent, clock.Now()));
    }

    [Fact]
    public void RefusesAnUnknownSigner()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);

        Build.Refused(ErrorCodes.NotFound, () => p.Remind("sig_unknown", Build.Agent, clock.Now()));
    }
}
