using Paraphe.Domain.Audit;
using System.Reflection;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureLaunch
{
    [Fact]
    public void RefusesAProcedureWithoutSigners()
    {
        var clock = Build.Clock();
        var p = Build.Draft(ProcedureMode.Remote, clock);

        var e = Build.Refused(ErrorCodes.ValidationFailed, () => p.Launch(clock));

        Assert.Equal(["signers"], e.Errors.Keys);
        Assert.Equal(ProcedureStatus.Draft, p.Status);
    }

    [Fact]
    public void MakesTheProcedureOngoingAndSetsItsExpiryFromTheLaunchTime()
    {
        var clock = Build.Clock();
        var p = Build.Draft(clock: clock, options: new Procedure.Options(ProcedureMode.Remote, ExpiresInDays: 14));
        p.AddSigner("ctc_lefevre", null, "vendeur", null, Build.Seller, Build.Agent);
        clock.Advance(TimeSpan.FromHours(3));

        p.Launch(clock);

        Assert.Equal(ProcedureStatus.Ongoing, p.Status);
        Assert.False(p.IsDraft);
        Assert.False(p.IsFinished);
        Assert.Equal(Build.Start.UtcDateTime.AddHours(3), p.LaunchedAt);
        Assert.Equal(Build.Start.UtcDateTime.AddHours(3).AddDays(14), p.ExpiresAt);
    }

    [Fact]
    public void FreezesTheDocumentHashAndGivesEachSignerItsTokenHash()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);

        p.Launch(clock);

        Assert.Equal(Build.DocumentSha, p.DocumentSha256);
        Assert.All(p.Signers, s => Assert.Equal(Build.TokenHash(s), s.TokenHash));
    }

    [Fact]
    public void FreezesTheSignersCoordinatesAsTheyAreAtLaunch()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);
        // Julien Moreau corrected his email and changed mobiles after being added to the draft.
        var current = Build.Buyer with { Email = "julien.moreau@gmail.com", Mobile = "+33611223344" };

        p.Launch(Build.DocumentSha, s => s.ContactId == "ctc_moreau" ? current : Build.Unchanged(s), Build.TokenHash,
            Build.Agent, clock.Now());

        var buyer = p.BuyerSigner();
        Assert.Equal("julien.moreau@gmail.com", buyer.Email);
        Assert.Equal("+33611223344", buyer.Mobile);
        Assert.Equal("camille.lefevre@gmail.com", p.SellerSigner().Email);
    }

    [Fact]
    public void QueuesAnEmailAndAnSmsInvitationPerRemoteSigner()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);

        var sent = p.Launch(clock);

        Assert.Equal(4, sent.Count);
        foreach (var s in p.Signers)
        {
            var mine = sent.Where(n => n.SignerId == s.Id).ToList();
            Assert.Equal(2, mine.Count);
            Assert.Equal(s.Email, Assert.Single(mine, n => n.Channel == Channel.Email).To);
            Assert.Equal(s.Mobile, Assert.Single(mine, n => n.Channel == Channel.Sms).To);
            Assert.Equal(clock.Now(), s.InvitedAt);
        }
        Assert.All(sent, n =>
        {
            Assert.Equal(Purpose.Invitation, n.Purpose);
            Assert.Equal(DeliveryStatus.Queued, n.Status);
            Assert.Equal(p.Id, n.ProcedureId);
            Assert.Equal(Build.AgencyId, n.AgencyId);
            Assert.Equal(clock.Now(), n.NextAttemptAt);
            Assert.Equal(0, n.Attempts);
        });
        Assert.Equal(4, sent.Select(n => n.Id).Distinct().Count());
    }

    [Fact]
    public void SendsInvitationsToTheFrozenCoordinatesNotTheDraftOnes()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);
        var current = Build.Seller with { Email = "c.lefevre@outlook.fr", Mobile = "+33687654321" };

        var sent = p.Launch(Build.DocumentSha, s => s.ContactId == "ctc_lefevre" ? current : Build.Unchanged(s),
            Build.TokenHash, Build.Agent, clock.Now());

        var seller = p.SellerSigner();
        Assert.Equal("c.lefevre@outlook.fr", sent.Single(n => n.SignerId == seller.Id && n.Channel == Channel.Email).To);
        Assert.Equal("+33687654321", sent.Single(n => n.SignerId == seller.Id && n.Channel == Channel.Sms).To);
    }

    [Fact]
    public void RefusesARemoteSignerWithoutAValidMobile()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);

        var e = Build.Refused(ErrorCodes.ValidationFailed, () => p.Launch(Build.DocumentSha,
            s => s.ContactId == "ctc_moreau" ? Build.Buyer with { Mobile = "0478000000", MobileOk = false } : Build.Unchanged(s),
            Build.TokenHash, Build.Agent, clock.Now()));

        var message = Assert.Single(Assert.Single(e.Errors, kv => kv.Key == "signers[1].mobile").Value);
        Assert.Single(e.Errors);
        Assert.Contains("Julien Moreau", message);
        Assert.Contains("0478000000", message);
    }

    [Fact]
    public void RefusesEachRemoteSignerWithBadCoordinatesUnderItsOwnKey()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);

        var e = Build.Refused(ErrorCodes.ValidationFailed, () => p.Launch(Build.DocumentSha,
            s => s.ContactId == "ctc_lefevre"
                ? Build.Seller with { Email = "camille.lefevre@gmial.com", EmailOk = false, MobileOk = false }
                : Build.Buyer with { Email = "julien.moreau@", EmailOk = false },
            Build.TokenHash, Build.Agent, clock.Now()));

        Assert.Equal(["signers[0].email", "signers[0].mobile", "signers[1].email"], e.Errors.Keys.Order());
        Assert.Contains("Camille Lefèvre", e.Errors["signers[0].email"][0]);
        Assert.Contains("camille.lefevre@gmial.com", e.Errors["signers[0].email"][0]);
        Assert.Contains("Julien Moreau", e.Errors["signers[1].email"][0]);
    }

    [Fact]
    public void LeavesARefusedProcedureAsAnUntouchedDraft()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);
        var events = p.PendingEvents.Count;

        Build.Refused(ErrorCodes.ValidationFailed, () => p.Launch(Build.DocumentSha,
            s => Build.Unchanged(s) with { MobileOk = false }, Build.TokenHash, Build.Agent, clock.Now()));

        Assert.Equal(ProcedureStatus.Draft, p.Status);
        Assert.Null(p.DocumentSha256);
        Assert.Null(p.LaunchedAt);
        Assert.All(p.Signers, s => Assert.Null(s.TokenHash));
        Assert.Equal(events, p.PendingEvents.Count);
    }

    [Theory]
    [InlineData(ProcedureMode.InPerson)]
    [InlineData(ProcedureMode.Manual)]
    public void LaunchesWithBadCoordinatesAndSendsNothingWhenNotRemote(ProcedureMode mode)
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(mode, clock);

        var sent = p.Launch(Build.DocumentSha, s => new SignerSnapshot(s.FirstName, s.LastName, "", "", false, false),
            Build.TokenHash, Build.Agent, clock.Now());

        Assert.Empty(sent);
        Assert.Equal(ProcedureStatus.Ongoing, p.Status);
        Assert.All(p.Signers, s => Assert.Null(s.InvitedAt));
        Assert.All(p.Signers, s => Assert.Equal("", s.Email));
    }

    [Fact]
    public void RefusesASecondLaunch()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);

        Build.Refused(ErrorCodes.ProcedureLocked, () => p.Launch(clock));
    }

    [Fact]
    public void RecordsALaunchedEventWithTheFrozenFacts()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);
        p.ClearPendingEvents();

        p.Launch(clock);

        var e = Assert.Single(p.PendingEvents);
        Assert.Equal("procedure.launched", e.Type);
        Assert.Equal(Build.Agent, e.Actor);
        Assert.Equal("remote", e.Fact<ProcedureLaunched>().Mode);
        Assert.Equal(Build.DocumentSha, e.Fact<ProcedureLaunched>().DocumentSha256);
        Assert.Equal(p.ExpiresAt, e.Fact<ProcedureLaunched>().ExpiresAt);
        var signers = e.Fact<ProcedureLaunched>().Signers;
        Assert.Equal(["Camille Lefèvre", "Julien Moreau"], signers.Select(s => s.Name));
        Assert.Equal(["+33612345678", "+33698765432"], signers.Select(s => s.Mobile));
    }

    [Fact]
    public void NamesTheRefusedSignerByItsPlaceInTheOrderWhateverTheLoadOrder()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);
        // The database gives the signers back in no particular order.
        var loaded = (List<Signer>)typeof(Procedure).GetField("_signers", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(p)!;
        loaded.Reverse();

        var e = Build.Refused(ErrorCodes.ValidationFailed, () => p.Launch(Build.DocumentSha,
            s => s.ContactId == "ctc_moreau" ? Build.Buyer with { MobileOk = false } : Build.Unchanged(s),
            Build.TokenHash, Build.Agent, clock.Now()));

        Assert.Equal(["signers[1].mobile"], e.Errors.Keys);
    }

    [Fact]
    public void NamesTheRefusedSignerByItsPlaceAfterAnEarlierSignerWasRemoved()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);
        p.RemoveSigner(p.SellerSigner().Id, Build.Agent);
        p.AddSigner("ctc_benali", null, "acquéreur", null, Build.SecondBuyer, Build.Agent);

        var e = Build.Refused(ErrorCodes.ValidationFailed, () => p.Launch(Build.DocumentSha,
            s => s.ContactId == "ctc_benali" ? Build.SecondBuyer with { EmailOk = false } : Build.Unchanged(s),
            Build.TokenHash, Build.Agent, clock.Now()));

        Assert.Equal(["signers[1].email"], e.Errors.Keys);
    }
}
