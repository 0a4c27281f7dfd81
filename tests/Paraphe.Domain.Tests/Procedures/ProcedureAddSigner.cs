using Paraphe.Domain.Audit;
using Paraphe.Domain.Procedures;

namespace Paraphe.Domain.Tests.Procedures;

public class ProcedureAddSigner
{
    [Fact]
    public void AddsAContactAsAPendingSignerWithItsCurrentCoordinates()
    {
        var p = Build.Draft();
        var field = new SignatureField(2, 50, 700, 200, 80);

        var s = p.AddSigner("ctc_lefevre", null, "  vendeur ", field, Build.Seller, Build.Agent);

        Assert.StartsWith("sgn_", s.Id);
        Assert.Equal(p.Id, s.ProcedureId);
        Assert.Equal("ctc_lefevre", s.ContactId);
        Assert.Null(s.UserId);
        Assert.Equal(1, s.Order);
        Assert.Equal("vendeur", s.Role);
        Assert.Equal(field, s.Field);
        Assert.Equal(SignerStatus.Pending, s.Status);
        Assert.Equal(("Camille", "Lefèvre", "camille.lefevre@gmail.com", "+33612345678"), (s.FirstName, s.LastName, s.Email, s.Mobile));
        Assert.Equal("Camille Lefèvre", s.DisplayName);
        Assert.Null(s.TokenHash);
        Assert.Same(s, Assert.Single(p.Signers));
    }

    [Fact]
    public void AddsAnAgencyUserAsASigner()
    {
        var p = Build.Draft();

        var s = p.AddSigner(null, "usr_directrice_garnier", "agence", null, Build.Director, Build.Agent);

        Assert.Null(s.ContactId);
        Assert.Equal("usr_directrice_garnier", s.UserId);
        Assert.Equal("agence", s.Role);
        Assert.Null(s.Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void NamesTheRoleSignataireWhenNoneIsGiven(string? role)
    {
        var p = Build.Draft();

        var s = p.AddSigner("ctc_lefevre", null, role, null, Build.Seller, Build.Agent);

        Assert.Equal("signataire", s.Role);
    }

    [Fact]
    public void NumbersSignersInTheOrderTheyAreAdded()
    {
        var p = Build.DraftWithTwoSigners();

        p.AddSigner(null, "usr_directrice_garnier", "agence", null, Build.Director, Build.Agent);

        Assert.Equal([1, 2, 3], p.Signers.Select(s => s.Order));
    }

    [Fact]
    public void RefusesASignerThatIsBothAContactAndAUser()
    {
        var p = Build.Draft();

        var e = Build.Refused(ErrorCodes.ValidationFailed,
            () => p.AddSigner("ctc_lefevre", "usr_directrice_garnier", "vendeur", null, Build.Seller, Build.Agent));

        Assert.Equal(["signers"], e.Errors.Keys);
        Assert.Empty(p.Signers);
    }

    [Fact]
    public void RefusesASignerThatIsNeitherAContactNorAUser()
    {
        var p = Build.Draft();

        var e = Build.Refused(ErrorCodes.ValidationFailed,
            () => p.AddSigner(null, null, "vendeur", null, Build.Seller, Build.Agent));

        Assert.Equal(["signers"], e.Errors.Keys);
    }

    [Fact]
    public void RefusesTheSameContactTwice()
    {
        var p = Build.DraftWithTwoSigners();

        var e = Build.Refused(ErrorCodes.ValidationFailed,
            () => p.AddSigner("ctc_lefevre", null, "acquéreur", null, Build.Seller, Build.Agent));

        Assert.Equal(["signers"], e.Errors.Keys);
        Assert.Contains("déjà signataire", e.Message);
        Assert.Equal(2, p.Signers.Count);
    }

    [Fact]
    public void RefusesTheSameAgencyUserTwice()
    {
        var p = Build.Draft();
        p.AddSigner(null, "usr_directrice_garnier", "agence", null, Build.Director, Build.Agent);

        Build.Refused(ErrorCodes.ValidationFailed,
            () => p.AddSigner(null, "usr_directrice_garnier", "agence", null, Build.Director, Build.Agent));

        Assert.Single(p.Signers);
    }

    public static TheoryData<SignatureField> BadFields => new()
    {
        new SignatureField(0, 50, 700, 200, 80),
        new SignatureField(-1, 50, 700, 200, 80),
        new SignatureField(1, -1, 700, 200, 80),
        new SignatureField(1, 50, -0.5, 200, 80),
        new SignatureField(1, 50, 700, 0, 80),
        new SignatureField(1, 50, 700, 200, 0),
        new SignatureField(1, 50, 700, -200, 80),
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void RefusesASignatureFieldOffThePageOrWithoutSize(SignatureField field)
    {
        var p = Build.Draft();

        var e = Build.Refused(ErrorCodes.ValidationFailed,
            () => p.AddSigner("ctc_lefevre", null, "vendeur", field, Build.Seller, Build.Agent));

        Assert.Equal(["field"], e.Errors.Keys);
        Assert.Empty(p.Signers);
    }

    [Fact]
    public void AcceptsAFieldInTheTopLeftCorner()
    {
        var p = Build.Draft();

        var s = p.AddSigner("ctc_lefevre", null, "vendeur", new SignatureField(1, 0, 0, 1, 1), Build.Seller, Build.Agent);

        Assert.Equal(0, s.Field!.X);
    }

    [Fact]
    public void RecordsASignerAddedEvent()
    {
        var p = Build.Draft();
        p.ClearPendingEvents();

        var s = p.AddSigner("ctc_moreau", null, "acquéreur", null, Build.Buyer, Build.Agent);

        var e = Assert.Single(p.PendingEvents);
        Assert.Equal("signer.added", e.Type);
        Assert.Equal(Build.Agent, e.Actor);
        Assert.Equal(s.Id, e.Fact<SignerAdded>().SignerId);
        Assert.Equal("ctc_moreau", e.Fact<SignerAdded>().ContactId);
        Assert.Null(e.Fact<SignerAdded>().UserId);
        Assert.Equal("acquéreur", e.Fact<SignerAdded>().Role);
    }
}
