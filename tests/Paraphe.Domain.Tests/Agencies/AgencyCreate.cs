using Paraphe.Domain.Agencies;
using Paraphe.Domain.Tests.Procedures;

namespace Paraphe.Domain.Tests.Agencies;

public class AgencyCreate
{
    [Theory]
    // Accented letters are dropped, not transliterated: "Immobilière" loses its è.
    [InlineData("Immobilière Garibaldi", "Immobiliere")]
    [InlineData("Agence du Vieux-Port", "AgenceduVie")]
    [InlineData("ERA Lyon 3", "ERALyon3")]
    [InlineData("L'Étoile", "LEtoile")]
    public void DerivesAnAlphanumericSmsSenderOfElevenCharactersAtMost(string name, string sender)
    {
        var a = Agency.Create(name, Build.Start.UtcDateTime);

        Assert.Equal(sender, a.SmsSender);
        Assert.True(a.SmsSender.Length <= 11);
    }

    [Theory]
    [InlineData("A & B")]
    [InlineData("É.")]
    public void FallsBackToParapheWhenTooFewLettersRemain(string name)
    {
        Assert.Equal("Paraphe", Agency.Create(name, Build.Start.UtcDateTime).SmsSender);
    }

    [Fact]
    public void KeepsTheTrimmedNameAndDefaults()
    {
        var a = Agency.Create("  Immobilière Garibaldi ", Build.Start.UtcDateTime);

        Assert.StartsWith("agc_", a.Id);
        Assert.Equal("Immobilière Garibaldi", a.Name);
        Assert.Equal((2, 3), (a.DefaultReminderIntervalDays, a.DefaultReminderMax));
        Assert.Equal(Build.Start.UtcDateTime, a.CreatedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void RequiresAName(string name)
    {
        Build.Refused(ErrorCodes.ValidationFailed, () => Agency.Create(name, Build.Start.UtcDateTime));
    }
}
