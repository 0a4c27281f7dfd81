using Paraphe.Domain.Audit;
using Microsoft.Extensions.Time.Testing;
using Paraphe.Domain.Diagnosis;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

/// <summary>
/// Over a procedure's whole life a signer gets at most <see cref="OtpRules.MaxSendsPerSigner"/> codes and
/// <see cref="OtpRules.MaxWrongEntriesPerSigner"/> wrong entries; then they are locked (`otp_locked`), the audit says so
/// once, and the diagnosis tells the agent. Entries that change nothing record nothing.
/// </summary>
public class ProcedureOtpLifetimeCaps
{
    private static readonly OneTimeCodeKey Key = Build.OtpKey;

    /// <summary>Sends <paramref name="count"/> codes, 5 minutes apart (the 3-per-15-minutes rule holds); returns the last.</summary>
    private static string SendCodes(Procedure p, Signer s, FakeTimeProvider clock, int count)
    {
        var last = "";
        for (var i = 0; i < count; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
            last = p.CodeSent(s, clock);
        }
        return last;
    }

    private static int Locks(Procedure p) => p.PendingEvents.Count(e => e.Type == "signer.otp_locked");

    [Fact]
    public void TheTenthCodeStillSignsButAnEleventhRequestLocksTheSigner()
    {
        var clock = Build.Clock();
        var p = Build.OngoingWithCodes(ProcedureMode.Remote, clock);
        var seller = p.SellerSigner();
        SendCodes(p, seller, clock, OtpRules.MaxSendsPerSigner);
        Assert.Null(seller.OtpLockedAt);

        clock.Advance(TimeSpan.FromMinutes(20));
        var e = Build.Refused(ErrorCodes.OtpLocked, () => p.RequestOtp(seller.Id, Key, clock.Now()));
        Assert.Contains("Contactez l'agence", e.Message, StringComparison.Ordinal);
        Assert.Equal(clock.Now(), seller.OtpLockedAt);
        var locked = Assert.Single(p.PendingEvents, x => x.Type == "signer.otp_locked");
        Assert.Equal(("codes_sent", 10, 0), (locked.Fact<SignerOtpLocked>().Reason, locked.Fact<SignerOtpLocked>().CodesSent, locked.Fact<SignerOtpLocked>().WrongEntries));
        Assert.Equal($"signer:{seller.Id}", locked.Actor);

        // Locked for good: no code, no check, no signature; recorded once only.
        clock.Advance(TimeSpan.FromDays(1));
        Build.Refused(ErrorCodes.OtpLocked, () => p.RequestOtp(seller.Id, Key, clock.Now()));
        Assert.Equal(ErrorCodes.OtpLocked, p.VerifyOtp(seller.Id, "123456", Key, clock.Now()).Refusal!.Code);
        Build.Refused(ErrorCodes.OtpRequired, () => p.Sign(seller.Id, Build.Drawn(), clock.Now()));
        Assert.Equal(1, Locks(p));
        Assert.Equal(OtpRules.MaxSendsPerSigner, seller.OtpSends);

        // The other signer has their own count.
        Assert.True(p.VerifyOtp(p.BuyerSigner().Id, p.CodeSent(p.BuyerSigner(), clock), Key, clock.Now()).Verified);
    }

    [Fact]
    public void TheLastCodeAllowedSignsWhenTypedRight()
    {
        var clock = Build.Clock();
        var p = Build.OngoingWithCodes(ProcedureMode.Remote, clock);
        var seller = p.SellerSigner();
        var last = SendCodes(p, seller, clock, OtpRules.MaxSendsPerSigner);

        Assert.True(p.VerifyOtp(seller.Id, last, Key, clock.Now()).Verified);
        p.Sign(seller.Id, Build.Drawn(), clock.Now());
        Assert.Equal(SignerStatus.Signed, seller.Status);
        Assert.Equal(0, Locks(p));
    }

    [Fact]
    public void TheLastCodeAllowedExpiringLocksAtTheNextEntry()
    {
        var clock = Build.Clock();
        var p = Build.OngoingWithCodes(ProcedureMode.Remote, clock);
        var seller = p.SellerSigner();
        var last = SendCodes(p, seller, clock, OtpRules.MaxSendsPerSigner);

        clock.Advance(OtpRules.Validity);
        Assert.Equal(ErrorCodes.OtpLocked, p.VerifyOtp(seller.Id, last, Key, clock.Now()).Refusal!.Code);
        Assert.Equal(1, Locks(p));
        Assert.NotNull(seller.OtpLockedAt);
    }

    [Fact]
    public void TheLastCodeAllowedVoidedLocksAtOnce()
    {
        var clock = Build.Clock();
        var p = Build.OngoingWithCodes(ProcedureMode.Remote, clock);
        var seller = p.SellerSigner();
        var last = SendCodes(p, seller, clock, OtpRules.MaxSendsPerSigner);

        for (var i = 0; i < OtpRules.MaxAttempts - 1; i++)
            Assert.Equal(ErrorCodes.OtpInvalid, p.VerifyOtp(seller.Id, Build.WrongCode(last), Key, clock.Now()).Refusal!.Code);
        Assert.Equal(ErrorCodes.OtpLocked, p.VerifyOtp(seller.Id, Build.WrongCode(last), Key, clock.Now()).Refusal!.Code);
        Assert.Equal("codes_sent", Assert.Single(p.PendingEvents, x => x.Type == "signer.otp_locked").Fact<SignerOtpLocked>().Reason);
    }

    [Fact]
    public void FifteenWrongEntriesOverSeveralCodesLockTheSigner()
    {
        var clock = Build.Clock();
        var p = Build.OngoingWithCodes(ProcedureMode.Remote, clock);
        var seller = p.SellerSigner();
        var wrong = 0;
        string code = "";
        while (wrong < OtpRules.MaxWrongEntriesPerSigner - 1)
        {
            code = SendCodes(p, seller, clock, 1);
            for (var i = 0; i < OtpRules.MaxAttempts && wrong < OtpRules.MaxWrongEntriesPerSigner - 1; i++, wrong++)
                Assert.NotEqual(ErrorCodes.OtpLocked, p.VerifyOtp(seller.Id, Build.WrongCode(code), Key, clock.Now()).Refusal!.Code);
        }
        Assert.Null(seller.OtpLockedAt);
        Assert.Equal(14, seller.OtpWrongEntries);

        var refusal = p.VerifyOtp(seller.Id, Build.WrongCode(code), Key, clock.Now()).Refusal!;
        Assert.Equal(ErrorCodes.OtpLocked, refusal.Code);
        Assert.Equal(["signer.otp_failed", "signer.otp_locked"], p.EventTypes().TakeLast(2));
        var locked = p.PendingEvents[^1];
        Assert.Equal(("wrong_entries", 15), (locked.Fact<SignerOtpLocked>().Reason, locked.Fact<SignerOtpLocked>().WrongEntries));

        // Even the right code of a fresh request is out of reach now.
        Build.Refused(ErrorCodes.OtpLocked, () => p.RequestOtp(seller.Id, Key, clock.Now()));
        Assert.Equal(ErrorCodes.OtpLocked, p.VerifyOtp(seller.Id, code, Key, clock.Now()).Refusal!.Code);
        Assert.Equal(1, Locks(p));
    }

    [Fact]
    public void EntriesThatChangeNothingRecordNothingAndUseNoAttempt()
    {
        var clock = Build.Clock();
        var p = Build.OngoingWithCodes(ProcedureMode.Remote, clock);
        var seller = p.SellerSigner();
        var code = p.CodeSent(seller, clock);
        var before = p.PendingEvents.Count;

        foreach (var typed in new[] { "12a4", "1234567", "abcdef", "١٢٣٤٥٦", "12345", "", "   " })
            for (var i = 0; i < 50; i++)
                Assert.NotEqual(ErrorCodes.OtpLocked, p.VerifyOtp(seller.Id, typed, Key, clock.Now()).Refusal!.Code);

        Assert.Equal(before, p.PendingEvents.Count);
        Assert.Equal(OtpRules.MaxAttempts, seller.LatestCode!.AttemptsLeft);
        Assert.Equal(0, seller.OtpWrongEntries);
        Assert.True(p.VerifyOtp(seller.Id, code, Key, clock.Now()).Verified);
    }

    [Theory]
    [InlineData(ProcedureMode.Remote)]
    [InlineData(ProcedureMode.InPerson)]
    public void TheDiagnosisTellsTheAgentWhyAndWhatToDo(ProcedureMode mode)
    {
        var clock = Build.Clock();
        var p = Build.OngoingWithCodes(mode, clock);
        var seller = p.SellerSigner();
        SendCodes(p, seller, clock, OtpRules.MaxSendsPerSigner);
        Assert.DoesNotContain(SignerDiagnosis.ForProcedure(p, [], clock.Now())[seller.Id], f => f.Code == DiagnosisCodes.OtpLocked);
        clock.Advance(TimeSpan.FromMinutes(20));
        Build.Refused(ErrorCodes.OtpLocked, () => p.RequestOtp(seller.Id, Key, clock.Now()));
        clock.Advance(TimeSpan.FromHours(2));

        var findings = SignerDiagnosis.ForProcedure(p, [], clock.Now());
        var finding = Assert.Single(findings[seller.Id], f => f.Code == DiagnosisCodes.OtpLocked);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Contains("10 codes ont été envoyés", finding.Message, StringComparison.Ordinal);
        Assert.Contains("depuis 2 h", finding.Message, StringComparison.Ordinal);
        Assert.Contains("identité", finding.Action, StringComparison.Ordinal);
        Assert.Contains("annulez et relancez", finding.Action, StringComparison.Ordinal);
        Assert.Equal(ActionKinds.CorrectAndRelaunch, finding.ActionKind);
        Assert.DoesNotContain(findings[p.BuyerSigner().Id], f => f.Code == DiagnosisCodes.OtpLocked);
    }
}
