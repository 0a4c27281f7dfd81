using Paraphe.Domain.Audit;
using Microsoft.Extensions.Time.Testing;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

/// <summary>Face to face with `otp`: each signer types the code sent to their own mobile, under the remote rules.</summary>
public class ProcedureInPersonOtp
{
    private static readonly OneTimeCodeKey Key = Build.OtpKey;

    private static Procedure Ongoing(FakeTimeProvider clock, bool otp = true) => Build.OngoingWithCodes(ProcedureMode.InPerson, clock, otp);

    private static string Sent(Procedure p, Signer s, FakeTimeProvider clock) => p.CodeSent(s, clock);

    private static string Wrong(string code) => Build.WrongCode(code);

    [Fact]
    public void AnInPersonSignatureNeedsTheCodeSentToTheSignersOwnMobile()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var seller = p.SellerSigner();

        Build.Refused(ErrorCodes.OtpRequired, () => p.Sign(seller.Id, Build.Drawn(inPerson: true), clock.Now()));
        var (sms, code) = p.RequestOtp(seller.Id, Key, clock.Now());
        Assert.Equal((Channel.Sms, Purpose.Otp, "+33612345678", seller.Id), (sms.Channel, sms.Purpose, sms.To, sms.SignerId));
        Assert.True(p.VerifyOtp(seller.Id, Key.CodeFor(seller.Id, code.Id), Key, clock.Now()).Verified);
        p.Sign(seller.Id, Build.Drawn(inPerson: true), clock.Now());

        Assert.Equal(SignerStatus.Signed, seller.Status);
        Assert.True(seller.SignedInPerson);
        Assert.Equal(["signer.otp_sent", "signer.otp_verified", "signer.signed"], p.EventTypes());
        Assert.Equal("in_person_otp", p.PendingEvents[^1].Fact<SignerSigned>().Method);
        Assert.Equal(ProcedureStatus.Ongoing, p.Status);
    }

    [Fact]
    public void EachSignerNeedsTheirOwnCode()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var sellersCode = Sent(p, p.SellerSigner(), clock);
        var buyer = p.BuyerSigner();

        Assert.Equal(ErrorCodes.OtpRequired, p.VerifyOtp(buyer.Id, sellersCode, Key, clock.Now()).Refusal!.Code);
        var buyersCode = Sent(p, buyer, clock);
        if (buyersCode != sellersCode)
            Assert.Equal(ErrorCodes.OtpInvalid, p.VerifyOtp(buyer.Id, sellersCode, Key, clock.Now()).Refusal!.Code);
        Assert.True(p.VerifyOtp(buyer.Id, buyersCode, Key, clock.Now()).Verified);
        p.Sign(buyer.Id, Build.Typed("Julien Moreau") with { InPerson = true }, clock.Now());
        Assert.Equal(SignerStatus.Pending, p.SellerSigner().Status);
    }

    [Fact]
    public void TheCodeExpiresAfterTenMinutesLikeARemoteOne()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var seller = p.SellerSigner();
        var code = Sent(p, seller, clock);

        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(ErrorCodes.OtpExpired, p.VerifyOtp(seller.Id, code, Key, clock.Now()).Refusal!.Code);
        Build.Refused(ErrorCodes.OtpRequired, () => p.Sign(seller.Id, Build.Drawn(inPerson: true), clock.Now()));
    }

    [Fact]
    public void FiveWrongCodesVoidTheCodeAndTheRightOneNoLongerSigns()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var seller = p.SellerSigner();
        var code = Sent(p, seller, clock);

        var first = p.VerifyOtp(seller.Id, Wrong(code), Key, clock.Now()).Refusal!;
        Assert.Equal((ErrorCodes.OtpInvalid, (object?)4), (first.Code, first.Extensions["attempts_left"]));
        for (var i = 0; i < 3; i++) p.VerifyOtp(seller.Id, Wrong(code), Key, clock.Now());
        Assert.Equal(ErrorCodes.OtpAttemptsExceeded, p.VerifyOtp(seller.Id, Wrong(code), Key, clock.Now()).Refusal!.Code);
        Assert.Equal(ErrorCodes.OtpAttemptsExceeded, p.VerifyOtp(seller.Id, code, Key, clock.Now()).Refusal!.Code);
        Assert.Equal(SignerStatus.Pending, seller.Status);
    }

    [Fact]
    public void AtMostThreeCodesInFifteenMinutes()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var seller = p.SellerSigner();
        for (var i = 0; i < 3; i++)
        {
            Sent(p, seller, clock);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        var e = Build.Refused(ErrorCodes.OtpSendLimit, () => p.RequestOtp(seller.Id, Key, clock.Now()));
        Assert.Equal("2025-03-10T09:45:00Z", e.Extensions["next_otp_at"]);
        clock.Advance(TimeSpan.FromMinutes(12));
        Assert.True(p.VerifyOtp(seller.Id, Sent(p, seller, clock), Key, clock.Now()).Verified);
    }

    [Fact]
    public void WithoutTheOptionNoCodeIsAskedNorSent()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock, otp: false);
        var seller = p.SellerSigner();

        Build.Refused(ErrorCodes.OtpNotEnabled, () => p.RequestOtp(seller.Id, Key, clock.Now()));
        p.Sign(seller.Id, Build.Drawn(inPerson: true), clock.Now());

        Assert.Equal(["signer.signed"], p.EventTypes());
        Assert.Equal("in_person", p.PendingEvents[^1].Fact<SignerSigned>().Method);
    }

    [Fact]
    public void LaunchRefusesASignerWhoseNumberCannotReceiveTheCode()
    {
        var clock = Build.Clock();
        var p = Build.Draft(ProcedureMode.InPerson, clock, new Procedure.Options(ProcedureMode.InPerson, Otp: true));
        p.AddSigner("ctc_lefevre", null, "vendeur", null, Build.Seller, Build.Agent);
        p.AddSigner(null, "usr_garnier", "mandataire", null, Build.Director, Build.Agent);

        var e = Build.Refused(ErrorCodes.ValidationFailed, () => p.Launch(Build.DocumentSha,
            s => new SignerSnapshot(s.FirstName, s.LastName, "", s.Mobile, EmailOk: false, MobileOk: s.UserId is null),
            Build.TokenHash, Build.Agent, clock.Now()));

        // The email does not matter face to face; the director's landline does.
        Assert.Equal(["signers[1].mobile"], e.Errors.Keys);
        Assert.Contains("Sophie Garnier", e.Errors["signers[1].mobile"][0]);
        Assert.Equal(ProcedureStatus.Draft, p.Status);
    }

    [Fact]
    public void AManualProcedureSendsNoCode()
    {
        var clock = Build.Clock();
        var p = Build.Draft(ProcedureMode.Manual, clock, new Procedure.Options(ProcedureMode.Manual, Otp: true));
        p.AddSigner("ctc_lefevre", null, "vendeur", null, Build.Seller, Build.Agent);
        p.Launch(clock);

        Build.Refused(ErrorCodes.InvalidTransition, () => p.RequestOtp(p.SellerSigner().Id, Key, clock.Now()));
    }
}
