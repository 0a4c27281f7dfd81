using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

/// <summary>PendingEvents: what the audit trail receives on save.</summary>
public class ProcedureEvents
{
    [Fact]
    public void RecordsEveryStepInOrderWithItsActor()
    {
        var clock = Build.Clock();
        var p = Build.Draft(ProcedureMode.Remote, clock);
        var seller = p.AddSigner("ctc_lefevre", null, "vendeur", null, Build.Seller, Build.Agent);
        var buyer = p.AddSigner("ctc_moreau", null, "acquéreur", null, Build.Buyer, Build.Agent);
        var extra = p.AddSigner("ctc_benali", null, "acquéreur", null, Build.SecondBuyer, Build.Agent);
        p.RemoveSigner(extra.Id, Build.Agent);
        p.Update(new Procedure.Options(ProcedureMode.Remote, Otp: true), null, null, "user:usr_directrice_garnier");
        p.Launch(clock);
        p.RecordOpening(seller.Id, "203.0.113.7", "Safari", clock.Now());
        p.PassOtp(seller, clock);
        p.Sign(seller.Id, Build.Drawn(), clock.Now());
        p.PassOtp(buyer, clock);
        p.Sign(buyer.Id, Build.Typed("Julien Moreau"), clock.Now());

        Assert.Equal([
            "procedure.created", "signer.added", "signer.added", "signer.added", "signer.removed", "procedure.updated",
            "procedure.launched", "signer.link_opened", "signer.otp_sent", "signer.otp_verified", "signer.signed",
            "signer.otp_sent", "signer.otp_verified", "signer.signed", "procedure.completed",
        ], p.EventTypes());
        string S(Signer s) => $"signer:{s.Id}";
        Assert.Equal([
            Build.Agent, Build.Agent, Build.Agent, Build.Agent, Build.Agent, "user:usr_directrice_garnier",
            Build.Agent, S(seller), S(seller), S(seller), S(seller), S(buyer), S(buyer), S(buyer), "system",
        ], p.PendingEvents.Select(e => e.Actor));
    }

    [Fact]
    public void CountsOneVersionPerRecordedChange()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);

        p.Launch(clock);

        Assert.Equal(4, p.Version);
    }

    [Fact]
    public void ClearsThePendingEventsOnceWritten()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);

        p.ClearPendingEvents();

        Assert.Empty(p.PendingEvents);
        p.Launch(clock);
        Assert.Equal(["procedure.launched"], p.EventTypes());
        Assert.Equal(4, p.Version);
    }

    [Fact]
    public void RecordsNothingForARefusedChange()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.ClearPendingEvents();
        var version = p.Version;

        Assert.Throws<DomainException>(() => p.Cancel(null, Build.Agent, clock.Now()));
        Assert.Throws<DomainException>(() => p.MarkSigned(null, Build.Agent, clock.Now()));
        Assert.Throws<DomainException>(() => p.Sign(p.SellerSigner().Id, new SignatureData(null, null, null, null, false), clock.Now()));
        Assert.Throws<DomainException>(() => p.Relaunch(Build.Unchanged, Build.Agent, clock.Now()));

        Assert.Empty(p.PendingEvents);
        Assert.Equal(version, p.Version);
    }
}
