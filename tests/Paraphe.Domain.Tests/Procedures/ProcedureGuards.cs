using Microsoft.Extensions.Time.Testing;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureGuards
{
    private static readonly DateTime Now = new(2026, 11, 27, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void CancellingACompletedProcedureWithoutReasonSaysItIsTheWrongMoveNotTheMissingReason()
    {
        var p = Procedure.Create("agc_1", "doc_1", "Mandat", new Procedure.Options(ProcedureMode.Manual), "user:u", Now);
        p.AddSigner("ctc_1", null, "vendeur", null, new SignerSnapshot("Anne", "Roux", "anne@example.fr", "+33612345678", true, true), "user:u");
        p.Launch("sha", s => new SignerSnapshot("Anne", "Roux", "anne@example.fr", "+33612345678", true, true), _ => "h1", "user:u", Now);
        p.MarkSigned(null, "user:u", Now);

        var e = Assert.Throws<DomainException>(() => p.Cancel(null, "user:u", Now));
        Assert.Equal(ErrorCodes.InvalidTransition, e.Code);
    }

    [Fact]
    public void AManualProcedureCannotBeDeclinedThroughALink()
    {
        var p = Procedure.Create("agc_1", "doc_1", "Mandat", new Procedure.Options(ProcedureMode.Manual), "user:u", Now);
        var signer = p.AddSigner("ctc_1", null, "vendeur", null, new SignerSnapshot("Anne", "Roux", "", "", false, false), "user:u");
        p.Launch("sha", s => new SignerSnapshot("Anne", "Roux", "", "", false, false), _ => "h1", "user:u", Now);

        var e = Assert.Throws<DomainException>(() => p.Decline(signer.Id, "Je refuse", Now));
        Assert.Equal(ErrorCodes.InvalidTransition, e.Code);
        Assert.Equal(ProcedureStatus.Ongoing, p.Status);
    }

    [Fact]
    public void ALateAcceptanceDoesNotUndoADeliveryReceipt()
    {
        var clock = new FakeTimeProvider(Now);
        var n = Notification.Queue("agc_1", "prc_1", "sgn_1", Channel.Sms, Purpose.Invitation, "+33612345678", Now);
        n.StartSending(Now, TimeSpan.FromMinutes(2));
        clock.Advance(TimeSpan.FromSeconds(1));
        n.Delivered(clock.GetUtcNow().UtcDateTime, "receipt first");
        n.Accepted("twilio", "SM123", clock.GetUtcNow().UtcDateTime);

        Assert.Equal(DeliveryStatus.Delivered, n.Status);
        Assert.Equal("SM123", n.ProviderMessageId);
    }

    [Fact]
    public void AFailedNotificationIsNeverClaimedAgain()
    {
        var n = Notification.Queue("agc_1", "prc_1", "sgn_1", Channel.Email, Purpose.Invitation, "a@example.fr", Now);
        n.Failed("mailbox unknown", Now);

        Assert.Throws<InvalidOperationException>(() => n.StartSending(Now, TimeSpan.FromMinutes(2)));
    }
}
