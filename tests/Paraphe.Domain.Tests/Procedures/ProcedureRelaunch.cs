using Paraphe.Domain.Audit;
using Microsoft.Extensions.Time.Testing;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureRelaunch
{
    private static Procedure Finished(string how, FakeTimeProvider clock)
    {
        var p = Build.Draft(clock: clock, options: new Procedure.Options(ProcedureMode.Remote, true, 20, 4, 6));
        p.AddSigner("ctc_lefevre", null, "vendeur", new SignatureField(4, 60, 650, 180, 60), Build.Seller, Build.Agent);
        p.AddSigner("ctc_moreau", null, "acquéreur", null, Build.Buyer, Build.Agent);
        p.AddSigner(null, "usr_directrice_garnier", "agence", new SignatureField(4, 320, 650, 180, 60), Build.Director, Build.Agent);
        p.Launch(Build.DocumentSha, Build.Unchanged, Build.TokenHash, Build.Agent, clock.Now());
        switch (how)
        {
            case "cancelled": p.Cancel("Mauvais numéro de mobile pour l'acquéreur", Build.Agent, clock.Now()); break;
            case "declined": p.Decline(p.BuyerSigner().Id, "Le prix a changé", clock.Now()); break;
            case "expired": p.ExpireIfDue(clock.Now().AddDays(20)); break;
        }
        return p;
    }

    private static Procedure Relaunch(Procedure p, FakeTimeProvider clock) => p.Relaunch(Build.Unchanged, Build.Agent, clock.Now());

    [Theory]
    [InlineData("cancelled")]
    [InlineData("declined")]
    [InlineData("expired")]
    public void CreatesADraftWithTheSameDocumentAndOptions(string how)
    {
        var clock = Build.Clock();
        var old = Finished(how, clock);
        clock.Advance(TimeSpan.FromDays(21));

        var next = Relaunch(old, clock);

        Assert.NotEqual(old.Id, next.Id);
        Assert.Equal(ProcedureStatus.Draft, next.Status);
        Assert.Equal((old.AgencyId, old.DocumentId, old.Title), (next.AgencyId, next.DocumentId, next.Title));
        Assert.Equal((ProcedureMode.Remote, true, 20, 4, 6),
            (next.Mode, next.Otp, next.ExpiresInDays, next.ReminderIntervalDays, next.ReminderMax));
        Assert.Equal(clock.Now(), next.CreatedAt);
        Assert.Equal(Build.Agent, next.CreatedBy);
        Assert.Null(next.LaunchedAt);
        Assert.Null(next.DocumentSha256);
    }

    [Fact]
    public void CopiesTheSignersWithTheirContactsRolesFieldsAndOrder()
    {
        var clock = Build.Clock();
        var old = Finished("cancelled", clock);

        var next = Relaunch(old, clock);

        Assert.Equal(old.Signers.Select(s => (s.ContactId, s.UserId, s.Role, s.Field, s.Order)),
            next.Signers.Select(s => (s.ContactId, s.UserId, s.Role, s.Field, s.Order)));
        Assert.All(next.Signers, s =>
        {
            Assert.Equal(SignerStatus.Pending, s.Status);
            Assert.Null(s.TokenHash);
            Assert.Equal(next.Id, s.ProcedureId);
        });
        Assert.Empty(next.Signers.Select(s => s.Id).Intersect(old.Signers.Select(s => s.Id)));
    }

    [Fact]
    public void ResetsTheSignerWhoDeclined()
    {
        var clock = Build.Clock();
        var old = Finished("declined", clock);

        var next = Relaunch(old, clock);

        var buyer = next.BuyerSigner();
        Assert.Equal(SignerStatus.Pending, buyer.Status);
        Assert.Null(buyer.DeclineReason);
        Assert.Null(buyer.DeclinedAt);
    }

    [Fact]
    public void TakesTheCurrentContactDetailsItIsGiven()
    {
        var clock = Build.Clock();
        var old = Finished("cancelled", clock);
        var corrected = Build.Buyer with { Mobile = "+33699887766", Email = "julien.moreau@gmail.com" };

        var next = old.Relaunch(s => s.ContactId == "ctc_moreau" ? corrected : Build.Unchanged(s), Build.Agent, clock.Now());

        Assert.Equal("+33699887766", next.BuyerSigner().Mobile);
        Assert.Equal("julien.moreau@gmail.com", next.BuyerSigner().Email);
        Assert.Equal("+33698765432", old.BuyerSigner().Mobile);
        Assert.Equal("camille.lefevre@gmail.com", next.SellerSigner().Email);
    }

    [Fact]
    public void LinksTheOldAndTheNewBothWays()
    {
        var clock = Build.Clock();
        var old = Finished("expired", clock);

        var next = Relaunch(old, clock);

        Assert.Equal(next.Id, old.ReplacedBy);
        Assert.Equal(old.Id, next.Replaces);
        Assert.Null(old.Replaces);
        Assert.Null(next.ReplacedBy);
        Assert.Equal(ProcedureStatus.Expired, old.Status);
    }

    [Fact]
    public void RefusesASecondRelaunch()
    {
        var clock = Build.Clock();
        var old = Finished("cancelled", clock);
        var first = Relaunch(old, clock);

        var e = Build.Refused(ErrorCodes.InvalidTransition, () => Relaunch(old, clock));

        Assert.Contains("déjà été relancée", e.Message);
        Assert.Equal(first.Id, old.ReplacedBy);
    }

    [Fact]
    public void RefusesAnOngoingProcedureWhichMustBeCancelledFirst()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);

        var e = Build.Refused(ErrorCodes.InvalidTransition, () => Relaunch(p, clock));

        Assert.Contains("en cours", e.Message);
        Assert.Null(p.ReplacedBy);
    }

    [Fact]
    public void RefusesADraft()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);

        Build.Refused(ErrorCodes.InvalidTransition, () => Relaunch(p, clock));
    }

    [Fact]
    public void RefusesACompletedProcedure()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Manual, clock);
        p.MarkSigned(null, Build.Agent, clock.Now());

        Build.Refused(ErrorCodes.InvalidTransition, () => Relaunch(p, clock));
    }

    [Fact]
    public void GivesANewDraftThatCanBeLaunched()
    {
        var clock = Build.Clock();
        var old = Finished("cancelled", clock);
        var next = Relaunch(old, clock);
        clock.Advance(TimeSpan.FromMinutes(1));

        var sent = next.Launch(clock);

        Assert.Equal(ProcedureStatus.Ongoing, next.Status);
        Assert.Equal(6, sent.Count);
        Assert.Equal(clock.Now().AddDays(20), next.ExpiresAt);
    }

    [Fact]
    public void RecordsTheRelaunchOnBothProcedures()
    {
        var clock = Build.Clock();
        var old = Finished("cancelled", clock);
        old.ClearPendingEvents();

        var next = Relaunch(old, clock);

        var e = Assert.Single(old.PendingEvents);
        Assert.Equal(("procedure.relaunched", Build.Agent), (e.Type, e.Actor));
        Assert.Equal(next.Id, e.Fact<ProcedureRelaunched>().ReplacedBy);
        Assert.Equal(["procedure.created", "signer.added", "signer.added", "signer.added", "procedure.relaunch_of"], next.EventTypes());
        Assert.Equal(old.Id, next.PendingEvents[^1].Fact<ProcedureRelaunchOf>().Replaces);
    }
}
