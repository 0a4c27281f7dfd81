using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;
using Paraphe.Domain.Tests.Procedures;

namespace Paraphe.Domain.Tests.Diagnosis;

/// <summary>
/// The diagnosis reads all of a signer's messages, not the newest one: a channel known bad stays bad until a later
/// message on it is delivered to the same address, and both channels failing give one finding with one action.
/// </summary>
public class SignerDiagnosisHistory
{
    [Fact]
    public void AHardBounceStillShowsAfterAReminderIsSent()
    {
        var s = Scenario.Launched().SendAll();
        s.Bounce(s.SellerEmail, "550 5.1.1 user unknown", DeliveryFailure.MailboxUnknown);

        var sent = s.Remind();

        Assert.Equal([Channel.Sms], sent.Select(n => n.Channel));
        var bounce = s.Finding(DiagnosisCodes.EmailHardBounce);
        Assert.Equal(Severity.Error, bounce.Severity);
        Assert.Equal(ActionKinds.CorrectAndRelaunch, bounce.ActionKind);
        Assert.DoesNotContain(s.Diagnose(), f => f.Action == "Rien à faire pour l'instant." && f.Message.StartsWith("L'email", StringComparison.Ordinal));
    }

    [Fact]
    public void AHardBounceIsNotHiddenByALaterEmailStillOnItsWay()
    {
        // As seen: a reminder email queued after the bounce replaced « l'adresse n'existe pas » by « rien à faire ».
        var s = Scenario.Launched().SendAll();
        s.Bounce(s.SellerEmail, "550 5.1.1 user unknown", DeliveryFailure.MailboxUnknown);
        s.Wait(TimeSpan.FromDays(2));
        s.Notifications.Add(Notification.Queue(Build.AgencyId, s.Procedure.Id, s.Seller.Id, Channel.Email, Purpose.Reminder,
            s.Seller.Email, s.Now));

        Assert.Equal(DiagnosisCodes.EmailHardBounce, s.Diagnose()[0].Code);
        Assert.DoesNotContain(s.Diagnose(), f => f.Code == DiagnosisCodes.InTransit && f.Message.StartsWith("L'email", StringComparison.Ordinal));
    }

    [Fact]
    public void ALaterEmailDeliveredToTheSameAddressClearsTheBounce()
    {
        var s = Scenario.Launched().SendAll();
        s.Bounce(s.SellerEmail, "421 mailbox full then 5.2.2", DeliveryFailure.MailboxUnknown);
        s.Wait(TimeSpan.FromDays(2));
        var later = Notification.Queue(Build.AgencyId, s.Procedure.Id, s.Seller.Id, Channel.Email, Purpose.Reminder, s.Seller.Email, s.Now);
        s.Notifications.Add(later);
        s.Deliver(later);

        Assert.DoesNotContain(s.Diagnose(), f => f.Code == DiagnosisCodes.EmailHardBounce);
        Assert.False(ChannelHealth.Of(s.Seller, s.Notifications).EmailKnownBad);
    }

    [Fact]
    public void AnSmsDeliveredAfterAnEmailBounceLeavesOnlyTheEmailFinding()
    {
        var s = Scenario.Launched().SendAll();
        s.Bounce(s.SellerEmail, "550 5.1.1 user unknown", DeliveryFailure.MailboxUnknown).Deliver(s.SellerSms);

        var findings = s.Diagnose();

        Assert.Equal(DiagnosisCodes.EmailHardBounce, findings[0].Code);
        Assert.DoesNotContain(findings, f => f.Code == DiagnosisCodes.ContactUnreachable);
    }

    [Fact]
    public void BothChannelsBadGiveOneFindingWithOneAction()
    {
        var s = Scenario.Launched().SendAll();
        s.Bounce(s.SellerEmail, "550 5.1.1 user unknown", DeliveryFailure.MailboxUnknown)
            .Bounce(s.SellerSms, "30005 unknown destination", DeliveryFailure.SmsUnknownNumber);

        var findings = s.Diagnose();

        var one = Assert.Single(findings, f => f.Severity == Severity.Error);
        Assert.Equal(DiagnosisCodes.ContactUnreachable, one.Code);
        Assert.Equal(ActionKinds.CorrectAndRelaunch, one.ActionKind);
        Assert.Contains("camille.lefevre@gmail.com", one.Message, StringComparison.Ordinal);
        Assert.Contains("+33612345678", one.Message, StringComparison.Ordinal);
        // Neither channel tells the agent to count on the other.
        Assert.DoesNotContain(findings, f => f.Action.Contains("Comptez sur", StringComparison.Ordinal)
                                             || f.Action.Contains("le SMS porte le même lien", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(findings, f => f.Code is DiagnosisCodes.EmailHardBounce or DiagnosisCodes.SmsUnknownNumber);
    }

    [Fact]
    public void AnEmailBounceAndAnSmsFailureOfAnotherKindAreOneFindingWhileTheClientWaits()
    {
        var s = Scenario.Launched().SendAll();
        s.Bounce(s.SellerEmail, "550 5.1.1 user unknown", DeliveryFailure.MailboxUnknown)
            .Bounce(s.SellerSms, "30003 unreachable handset", DeliveryFailure.SmsUnreachable);

        var one = Assert.Single(s.Diagnose());
        Assert.Equal(DiagnosisCodes.ContactUnreachable, one.Code);
        Assert.DoesNotContain("Comptez sur l'email", one.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void BothChannelsBadStayOneFindingAfterAReminderAttemptIsRefused()
    {
        var s = Scenario.Launched().SendAll();
        s.Bounce(s.SellerEmail, "550 5.1.1", DeliveryFailure.MailboxUnknown).Bounce(s.SellerSms, "30005", DeliveryFailure.SmsUnknownNumber);

        var refused = Build.Refused(ErrorCodes.ContactUnreachable, () => s.Remind());

        Assert.Contains("Nouvelle procédure corrigée", (string)refused.Extensions["action"]!, StringComparison.Ordinal);
        Assert.Equal(ActionKinds.CorrectAndRelaunch, refused.Extensions["action_kind"]);
        Assert.Equal(DiagnosisCodes.ContactUnreachable, s.Diagnose()[0].Code);
    }

    [Fact]
    public void CorrectedCoordinatesAreNotBlamedForTheOldAddress()
    {
        // A message to an older address (before the contact was corrected and the procedure relaunched) says nothing
        // about the address the signer has now.
        var s = Scenario.Launched(email: "camille.lefevre@gmail.com").SendAll();
        var old = Notification.Queue(Build.AgencyId, s.Procedure.Id, s.Seller.Id, Channel.Email, Purpose.Invitation,
            "camille.lefevre@gmial.com", s.Now.AddMinutes(-5));
        s.Notifications.Add(old);
        s.Bounce(old, "550 5.1.2 domain not found", DeliveryFailure.DomainUnknown);

        Assert.False(ChannelHealth.Of(s.Seller, s.Notifications).EmailKnownBad);
        Assert.DoesNotContain(s.Diagnose(), f => f.Code == DiagnosisCodes.EmailHardBounce);
    }

    [Fact]
    public void AnUnknownNumberFromASigningCodeSmsMakesTheMobileKnownBadToo()
    {
        var s = Scenario.Launched().SendAll();
        s.Deliver(s.SellerEmail);
        var otp = Notification.Queue(Build.AgencyId, s.Procedure.Id, s.Seller.Id, Channel.Sms, Purpose.Otp, s.Seller.Mobile, s.Now);
        s.Notifications.Add(otp);
        s.Bounce(otp, "30005", DeliveryFailure.SmsUnknownNumber);

        Assert.Equal([Channel.Email], ChannelHealth.Of(s.Seller, s.Notifications).UsableChannels);
        Assert.Equal("Relance envoyée par email uniquement : le numéro de mobile n'existe pas.",
            ChannelHealth.Of(s.Seller, s.Notifications).ReminderNote);
    }

    [Fact]
    public void TheAddressFactsStayAfterTheProcedureIsCancelled()
    {
        var s = Scenario.Launched().SendAll();
        s.Bounce(s.SellerEmail, "550 5.1.1", DeliveryFailure.MailboxUnknown).Bounce(s.SellerSms, "30005", DeliveryFailure.SmsUnknownNumber);
        s.Procedure.Cancel("correction", Build.Agent, s.Now);

        Assert.Equal(DiagnosisCodes.ContactUnreachable, Assert.Single(s.Diagnose()).Code);
    }
}
