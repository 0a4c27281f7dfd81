using Paraphe.Domain.Agencies;

namespace Paraphe.Domain.Tests.Agencies;

/// <summary>The SMS sender name as French operators accept it (SmsSenderRules), and the agency's settings refusing the rest.</summary>
public sealed class SmsSenderNames
{
    [Theory]
    [InlineData("ABC")]
    [InlineData("PortImmo")]
    [InlineData("Agence44")]
    [InlineData("AgenceDuPor")] // 11
    [InlineData("A2B")]
    [InlineData("immo2000")]
    [InlineData("Paraphe")]
    public void OperatorsAcceptIt(string sender) => Assert.Null(SmsSenderRules.Problem(sender));

    [Theory]
    [InlineData("", "obligatoire")]
    [InlineData(null, "obligatoire")]
    [InlineData("AB", "Au moins 3")]
    [InlineData("A", "Au moins 3")]
    [InlineData("AgenceDuPort", "11 caractères au plus")]
    [InlineData("123", "Au moins une lettre")]
    [InlineData("33612345678", "Au moins une lettre")]
    [InlineData("Agence Port", "Pas d'espace")]
    [InlineData(" Port", "Pas d'espace")]
    [InlineData("Immobilière", "« Immobiliere »")]
    [InlineData("Port-Immo", "pas d'accent, d'espace ni de ponctuation")]
    [InlineData("Port_Immo", "ponctuation")]
    [InlineData("Port.fr", "ponctuation")]
    [InlineData("Ågence", "ponctuation")]
    [InlineData("ＡＢＣ", "ponctuation")] // full-width letters are not ASCII
    [InlineData("INFO", "générique")]
    [InlineData("info", "générique")]
    [InlineData("SMS", "générique")]
    [InlineData("NoReply", "générique")]
    [InlineData("Banque", "générique")]
    [InlineData("Agence", "générique")]
    public void OperatorsRefuseItAndTheReasonSaysWhy(string? sender, string reason) =>
        Assert.Contains(reason, SmsSenderRules.Problem(sender), StringComparison.Ordinal);

    [Fact]
    public void ANewAgencyGetsAnAcceptableSenderFromItsName()
    {
        Assert.Equal("Immobiliere", Agency.Create("Immobilière du Port", DateTime.UnixEpoch).SmsSender);
        Assert.Equal("Paraphe", Agency.Create("Agence", DateTime.UnixEpoch).SmsSender); // generic: the platform's
        Assert.Equal("Paraphe", Agency.Create("A B", DateTime.UnixEpoch).SmsSender); // too short
    }

    [Fact]
    public void UpdateChecksEveryFieldBeforeChangingAnyAndReportsWhatChanged()
    {
        var agency = Agency.Create("Agence du Port", DateTime.UnixEpoch);
        var e = Assert.Throws<DomainException>(() => agency.Update(new Agency.Settings(Address: "1 rue", SmsSender: "INFO", ExpiresInDays: 0)));
        Assert.Equal(["default_expires_in_days", "sms_sender"], e.Errors.Keys.Order());
        Assert.Null(agency.Address);
        var changes = agency.Update(new Agency.Settings(Address: "1 rue", SmsSender: "PortImmo", ProfessionalCard: "CPI  4401 2024"));
        Assert.Equal(["address", "professional_card", "sms_sender"], changes.Keys.Order());
        Assert.Equal("CPI 4401 2024", agency.ProfessionalCard);
        Assert.Empty(agency.Update(new Agency.Settings(Address: "1 rue")));
    }
}
