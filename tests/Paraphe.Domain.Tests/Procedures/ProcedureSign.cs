using Paraphe.Domain.Audit;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureSign
{
    [Fact]
    public void RecordsTheSignatureOnTheSigner()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        clock.Advance(TimeSpan.FromHours(5));
        var data = Build.Drawn();

        p.Sign(p.SellerSigner().Id, data, clock.Now());

        var s = p.SellerSigner();
        Assert.Equal(SignerStatus.Signed, s.Status);
        Assert.Equal(clock.Now(), s.SignedAt);
        Assert.Equal(data.Image, s.SignatureImage);
        Assert.Equal("203.0.113.7", s.SignedIp);
        Assert.Equal(data.UserAgent, s.SignedUserAgent);
        Assert.False(s.SignedInPerson);
        Assert.Equal(ProcedureStatus.Ongoing, p.Status);
        Assert.Null(p.CompletedAt);
    }

    [Fact]
    public void AcceptsATypedNameInsteadOfADrawing()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);

        p.Sign(p.BuyerSigner().Id, Build.Typed("Julien Moreau"), clock.Now());

        Assert.Equal("Julien Moreau", p.BuyerSigner().TypedName);
        Assert.Equal(SignerStatus.Signed, p.BuyerSigner().Status);
    }

    [Fact]
    public void CompletesTheProcedureWithTheLastSignature()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        clock.Advance(TimeSpan.FromHours(1));
        p.Sign(p.SellerSigner().Id, Build.Drawn(), clock.Now());
        clock.Advance(TimeSpan.FromDays(1));

        p.Sign(p.BuyerSigner().Id, Build.Typed("Julien Moreau"), clock.Now());

        Assert.Equal(ProcedureStatus.Completed, p.Status);
        Assert.Equal(clock.Now(), p.CompletedAt);
        Assert.True(p.IsFinished);
        Assert.All(p.Signers, s => Assert.Equal(SignerStatus.Signed, s.Status));
    }

    [Fact]
    public void SignsInPersonOneAfterAnother()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.InPerson, clock);

        p.Sign(p.SellerSigner().Id, Build.Drawn(inPerson: true), clock.Now());
        p.Sign(p.BuyerSigner().Id, Build.Drawn(inPerson: true), clock.Now());

        Assert.Equal(ProcedureStatus.Completed, p.Status);
        Assert.All(p.Signers, s => Assert.True(s.SignedInPerson));
    }

    [Fact]
    public void RefusesToSignTwice()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.Sign(p.SellerSigner().Id, Build.Drawn(), clock.Now());
        var signedAt = p.SellerSigner().SignedAt;
        clock.Advance(TimeSpan.FromMinutes(5));

        var e = Build.Refused(ErrorCodes.InvalidTransition, () => p.Sign(p.SellerSigner().Id, Build.Typed("Camille Lefèvre"), clock.Now()));

        Assert.Contains("déjà signé", e.Message);
        Assert.Equal(signedAt, p.SellerSigner().SignedAt);
        Assert.Null(p.SellerSigner().TypedName);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData("  ", " ")]
    public void RefusesASignatureWithoutImageOrTypedName(string? image, string? typed)
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);

        var e = Build.Refused(ErrorCodes.ValidationFailed,
            () => p.Sign(p.SellerSigner().Id, new SignatureData(image, typed, null, null, false), clock.Now()));

        Assert.Equal(["signature_image"], e.Errors.Keys);
        Assert.Equal(SignerStatus.Pending, p.SellerSigner().Status);
    }

    [Fact]
    public void IsRefusedInManualMode()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Manual, clock);

        var e = Build.Refused(ErrorCodes.InvalidTransition, () => p.Sign(p.SellerSigner().Id, Build.Drawn(), clock.Now()));

        Assert.Contains("Marquer comme signé", e.Message);
        Assert.Equal(SignerStatus.Pending, p.SellerSigner().Status);
    }

    [Fact]
    public void IsRefusedOnADraft()
    {
        var clock = Build.Clock();
        var p = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);

        var e = Build.Refused(ErrorCodes.LinkGone, () => p.Sign(p.SellerSigner().Id, Build.Drawn(), clock.Now()));

        Assert.Contains("pas encore lancée", e.Message);
    }

    [Fact]
    public void IsRefusedForAnUnknownSigner()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);

        Build.Refused(ErrorCodes.NotFound, () => p.Sign("sgn_inconnu", Build.Drawn(), clock.Now()));
    }

    [Fact]
    public void RecordsTheSigningMethodInTheEvent()
    {
        var clock = Build.Clock();
        var remote = Build.Ongoing(ProcedureMode.Remote, clock);
        var withOtp = Build.DraftWithTwoSigners(ProcedureMode.Remote, clock);
        withOtp.Update(new Procedure.Options(ProcedureMode.Remote, Otp: true), null, null, Build.Agent);
        withOtp.Launch(clock);
        var inPerson = Build.Ongoing(ProcedureMode.InPerson, clock);
        withOtp.PassOtp(withOtp.SellerSigner(), clock);
        foreach (var p in new[] { remote, withOtp, inPerson }) p.ClearPendingEvents();

        remote.Sign(remote.SellerSigner().Id, Build.Typed("Camille Lefèvre"), clock.Now());
        withOtp.Sign(withOtp.SellerSigner().Id, Build.Drawn(), clock.Now());
        inPerson.Sign(inPerson.SellerSigner().Id, Build.Drawn(inPerson: true), clock.Now());

        var e = Assert.Single(remote.PendingEvents);
        Assert.Equal(("signer.signed", $"signer:{remote.SellerSigner().Id}"), (e.Type, e.Actor));
        Assert.Equal("remote", e.Fact<SignerSigned>().Method);
        Assert.Equal("Camille Lefèvre", e.Fact<SignerSigned>().TypedName);
        Assert.Equal("198.51.100.23", e.Fact<SignerSigned>().Ip);
        Assert.Equal("remote_otp", Assert.Single(withOtp.PendingEvents).Fact<SignerSigned>().Method);
        Assert.Equal("in_person", Assert.Single(inPerson.PendingEvents).Fact<SignerSigned>().Method);
    }

    [Fact]
    public void RecordsTheCompletionAfterTheLastSignature()
    {
        var clock = Build.Clock();
        var p = Build.Ongoing(ProcedureMode.Remote, clock);
        p.ClearPendingEvents();

        p.Sign(p.SellerSigner().Id, Build.Drawn(), clock.Now());
        p.Sign(p.BuyerSigner().Id, Build.Drawn(), clock.Now());

        Assert.Equal(["signer.signed", "signer.signed", "procedure.completed"], p.EventTypes());
        Assert.Equal("system", p.PendingEvents[^1].Actor);
        Assert.Equal(2, p.PendingEvents[^1].Fact<ProcedureCompleted>().Signers);
    }
}
