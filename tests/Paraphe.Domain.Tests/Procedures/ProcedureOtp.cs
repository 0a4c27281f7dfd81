using Paraphe.Domain.Audit;
using Microsoft.Extensions.Time.Testing;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureOtp
{
    private static readonly OneTimeCodeKey Key = Build.OtpKey;

    private static Procedure Ongoing(FakeTimeProvider clock, bool otp = true) => Build.OngoingWithCodes(ProcedureMode.Remote, clock, otp);

    private static string Sent(Procedure p, Signer s, FakeTimeProvider clock) => p.CodeSent(s, clock);

    private static string Wrong(string code) => Build.WrongCode(code);

    private static DomainException Refusal(OtpCheck check, string code)
    {
        Assert.False(check.Verified);
        Assert.Equal(code, check.Refusal!.Code);
        return check.Refusal;
    }

    [Fact]
    public void QueuesOneSmsWithSixDigitsKeptOnlyAsAHash()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var seller = p.SellerSigner();

        var (sms, code) = p.RequestOtp(seller.Id, Key, clock.Now());

        Assert.Equal((Channel.Sms, Purpose.Otp, "+33612345678", seller.Id), (sms.Channel, sms.Purpose, sms.To, sms.SignerId));
        Assert.Equal(sms.Id, code.NotificationId);
        var digits = Key.CodeFor(seller.Id, code.Id);
        Assert.Matches("^[0-9]{6}$", digits);
        Assert.NotEqual(digits, code.CodeHash);
        Assert.DoesNotContain(digits, code.CodeHash, StringComparison.Ordinal);
        Assert.Equal(64, code.CodeHash.Length);
        Assert.Equal(clock.Now() + TimeSpan.FromMinutes(10), code.ExpiresAt);
        var e = Assert.Single(p.PendingEvents);
        Assert.Equal(("signer.otp_sent", $"signer:{seller.Id}", code.Id), (e.Type, e.Actor, e.Fact<SignerOtpSent>().CodeId));
        Assert.DoesNotContain(digits, AuditCatalogue.Serialize(e.Fact), StringComparison.Ordinal);
    }

    [Fact]
    public void TheRightCodeLetsTheSignerSignOnce()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var seller = p.SellerSigner();
        var code = Sent(p, seller, clock);

        Assert.True(p.VerifyOtp(seller.Id, code[..3] + " " + code[3..], Key, clock.Now()).Verified);
        p.Sign(seller.Id, Build.Drawn(), clock.Now());

        Assert.Equal(SignerStatus.Signed, seller.Status);
        Assert.Equal(["signer.otp_sent", "signer.otp_verified", "signer.signed"], p.EventTypes());
        Assert.Equal("remote_otp", p.PendingEvents[^1].Fact<SignerSigned>().Method);
        Assert.NotNull(seller.LatestCode!.UsedAt);
    }

    [Fact]
    public void ACodeServesOnlyOnce()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var buyer = p.BuyerSigner();
        var code = Sent(p, buyer, clock);

        Assert.True(p.VerifyOtp(buyer.Id, code, Key, clock.Now()).Verified);
        Refusal(p.VerifyOtp(buyer.Id, code, Key, clock.Now()), ErrorCodes.OtpRequired);
    }

    [Fact]
    public void ASignatureByLinkWithoutACheckedCodeIsRefused()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        Sent(p, p.SellerSigner(), clock);

        Build.Refused(ErrorCodes.OtpRequired, () => p.Sign(p.SellerSigner().Id, Build.Drawn(), clock.Now()));
        Refusal(p.VerifyOtp(p.SellerSigner().Id, null, Key, clock.Now()), ErrorCodes.OtpRequired);
        Refusal(p.VerifyOtp(p.BuyerSigner().Id, "123456", Key, clock.Now()), ErrorCodes.OtpRequired);
        Assert.Equal(SignerStatus.Pending, p.SellerSigner().Status);
    }

    [Fact]
    public void ExpiresAfterTenMinutes()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var seller = p.SellerSigner();
        var code = Sent(p, seller, clock);

        clock.Advance(TimeSpan.FromMinutes(10));
        var before = p.PendingEvents.Count;
        Refusal(p.VerifyOtp(seller.Id, code, Key, clock.Now()), ErrorCodes.OtpExpired);
        // Typing on an expired code changes nothing: nothing to record.
        Assert.Equal(before, p.PendingEvents.Count);

        var fresh = Sent(p, seller, clock);
        clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.True(p.VerifyOtp(seller.Id, fresh, Key, clock.Now()).Verified);
    }

    [Fact]
    public void FiveWrongEntriesVoidTheCode()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var seller = p.SellerSigner();
        var code = Sent(p, seller, clock);

        for (var left = 4; left >= 1; left--)
        {
            var e = Refusal(p.VerifyOtp(seller.Id, Wrong(code), Key, clock.Now()), ErrorCodes.OtpInvalid);
            Assert.Equal(left, e.Extensions["attempts_left"]);
            Assert.Equal(left, p.PendingEvents[^1].Fact<SignerOtpFailed>().AttemptsLeft);
        }
        Refusal(p.VerifyOtp(seller.Id, Wrong(code), Key, clock.Now()), ErrorCodes.OtpAttemptsExceeded);
        // Void: even the right code no longer works, a new one must be requested.
        Refusal(p.VerifyOtp(seller.Id, code, Key, clock.Now()), ErrorCodes.OtpAttemptsExceeded);
        // Only the wrong entries are recorded (each used an attempt); typing on a void code changes nothing.
        Assert.Equal(5, p.PendingEvents.Count(e => e.Type == "signer.otp_failed"));
        Assert.All(p.PendingEvents.Where(e => e.Type == "signer.otp_failed"), e => Assert.Equal("wrong", e.Fact<SignerOtpFailed>().Reason));

        var fresh = Sent(p, seller, clock);
        Assert.True(p.VerifyOtp(seller.Id, fresh, Key, clock.Now()).Verified);
    }

    [Fact]
    public void AMalformedEntryDoesNotUseAnAttempt()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var seller = p.SellerSigner();
        Sent(p, seller, clock);

        var e = Refusal(p.VerifyOtp(seller.Id, "12a4", Key, clock.Now()), ErrorCodes.OtpInvalid);
        Assert.Equal(5, e.Extensions["attempts_left"]);
    }

    [Fact]
    public void ANewCodeReplacesTheEarlierOne()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var seller = p.SellerSigner();
        var first = Sent(p, seller, clock);
        var second = Sent(p, seller, clock);

        if (first != second) Refusal(p.VerifyOtp(seller.Id, first, Key, clock.Now()), ErrorCodes.OtpInvalid);
        Assert.True(p.VerifyOtp(seller.Id, second, Key, clock.Now()).Verified);
    }

    [Fact]
    public void AtMostThreeCodesInAnySlidingFifteenMinutes()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var seller = p.SellerSigner();
        Sent(p, seller, clock);
        clock.Advance(TimeSpan.FromMinutes(5));
        Sent(p, seller, clock);
        clock.Advance(TimeSpan.FromMinutes(5));
        Sent(p, seller, clock);

        var e = Build.Refused(ErrorCodes.OtpSendLimit, () => p.RequestOtp(seller.Id, Key, clock.Now()));
        Assert.Equal("2025-03-10T09:45:00Z", e.Extensions["next_otp_at"]);
        Assert.Contains("5 minutes", e.Message, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Build.Refused(ErrorCodes.OtpSendLimit, () => p.RequestOtp(seller.Id, Key, clock.Now()));
        clock.Advance(TimeSpan.FromSeconds(1));
        Sent(p, seller, clock);
        // The window slides: the second code (09:35) still counts until 09:50.
        Build.Refused(ErrorCodes.OtpSendLimit, () => p.RequestOtp(seller.Id, Key, clock.Now()));
        // Another signer has their own quota.
        Sent(p, p.BuyerSigner(), clock);
    }

    [Fact]
    public void ACodeOfOneSignerNeverSignsForAnother()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var seller = p.SellerSigner();
        var buyer = p.BuyerSigner();
        var sellers = Sent(p, seller, clock);
        var buyers = Sent(p, buyer, clock);

        if (sellers != buyers)
            Refusal(p.VerifyOtp(buyer.Id, sellers, Key, clock.Now()), ErrorCodes.OtpInvalid);
        // Same code id under another signer: another code and another hash.
        var code = seller.LatestCode!;
        Assert.NotEqual(Key.HashOf(seller.Id, code.Id, sellers), Key.HashOf(buyer.Id, code.Id, sellers));
        Assert.True(p.VerifyOtp(buyer.Id, buyers, Key, clock.Now()).Verified);
    }

    [Fact]
    public void AProcedureWithoutOtpIgnoresTheCodeAndRefusesToSendOne()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock, otp: false);
        var seller = p.SellerSigner();

        Assert.True(p.VerifyOtp(seller.Id, "999999", Key, clock.Now()).Verified);
        p.Sign(seller.Id, Build.Drawn(), clock.Now());
        Build.Refused(ErrorCodes.OtpNotEnabled, () => p.RequestOtp(p.BuyerSigner().Id, Key, clock.Now()));
        Assert.Equal(["signer.signed"], p.EventTypes());
    }

    [Fact]
    public void NoCodeOnceTheSignerSignedOrTheProcedureEnded()
    {
        var clock = Build.Clock();
        var p = Ongoing(clock);
        var seller = p.SellerSigner();
        Assert.True(p.VerifyOtp(seller.Id, Sent(p, seller, clock), Key, clock.Now()).Verified);
        p.Sign(seller.Id, Build.Drawn(), clock.Now());

        Build.Refused(ErrorCodes.InvalidTransition, () => p.RequestOtp(seller.Id, Key, clock.Now()));
        p.Cancel("erreur de prix", Build.Agent, clock.Now());
        Build.Refused(ErrorCodes.LinkGone, () => p.RequestOtp(p.BuyerSigner().Id, Key, clock.Now()));
    }
}
