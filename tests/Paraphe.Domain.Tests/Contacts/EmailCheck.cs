using Paraphe.Domain.Contacts;

namespace Paraphe.Domain.Tests.Contacts;

public class EmailCheck
{
    [Theory]
    [InlineData("jean.dupont@gmail.com", "jean.dupont@gmail.com")]
    [InlineData("  jean.dupont@orange.fr  ", "jean.dupont@orange.fr")]
    [InlineData("Jean.Dupont@Gmail.COM", "Jean.Dupont@gmail.com")]
    [InlineData("jean+immo@gmail.com", "jean+immo@gmail.com")]
    [InlineData("contact@agence-dupont.immo", "contact@agence-dupont.immo")]
    [InlineData("j.martin@paris.notaires.fr", "j.martin@paris.notaires.fr")]
    [InlineData("o'brien_2@example.co.uk", "o'brien_2@example.co.uk")]
    [InlineData("m.durand@century21.fr", "m.durand@century21.fr")]
    public void AcceptsAWellFormedAddressAndLowerCasesOnlyTheDomain(string input, string normalized)
    {
        var check = ContactChecks.CheckEmail(input);

        Assert.True(check.Ok, check.Message);
        Assert.Null(check.Code);
        Assert.Null(check.Suggestion);
        Assert.Equal(normalized, check.Normalized);
    }

    [Theory]
    [InlineData("mail.com")]
    [InlineData("gmx.com")]
    [InlineData("gmx.de")]
    [InlineData("free.fr")]
    [InlineData("sfr.fr")]
    [InlineData("live.fr")]
    [InlineData("me.com")]
    [InlineData("mac.com")]
    [InlineData("ge.com")]
    [InlineData("ymail.com")]
    [InlineData("ac-paris.fr")]
    [InlineData("laposte.fr")]
    [InlineData("orange.com")]
    [InlineData("hotmail.de")]
    [InlineData("hotmail.it")]
    [InlineData("yahoo.co.uk")]
    [InlineData("yopmail.fr")]
    [InlineData("alice.fr")]
    [InlineData("orpi.com")]
    [InlineData("proton.me")]
    [InlineData("club-internet.fr")]
    [InlineData("mail.orange.fr")]
    public void DoesNotFlagARealDomainCloseToAKnownOne(string domain)
    {
        var check = ContactChecks.CheckEmail($"client@{domain}");

        Assert.True(check.Ok, check.Message);
        Assert.Null(check.Suggestion);
    }

    [Theory]
    [InlineData("jean@gmial.com", "jean@gmail.com")]
    [InlineData("jean@gmail.con", "jean@gmail.com")]
    [InlineData("jean@gmail.co", "jean@gmail.com")]
    [InlineData("jean@gmail.fr", "jean@gmail.com")]
    [InlineData("jean@gmai.com", "jean@gmail.com")]
    [InlineData("jean@gmial.con", "jean@gmail.com")]
    [InlineData("Jean.Dupont@GMIAL.COM", "Jean.Dupont@gmail.com")]
    [InlineData("jean@hotmial.fr", "jean@hotmail.fr")]
    [InlineData("jean@hotmail.con", "jean@hotmail.com")]
    [InlineData("jean@hotmal.com", "jean@hotmail.com")]
    [InlineData("jean@hotmail.fe", "jean@hotmail.fr")]
    [InlineData("jean@yaho.fr", "jean@yahoo.fr")]
    [InlineData("jean@yahoo.cmo", "jean@yahoo.com")]
    [InlineData("jean@wanadoo.fe", "jean@wanadoo.fr")]
    [InlineData("jean@outlok.com", "jean@outlook.com")]
    [InlineData("jean@outlok.fr", "jean@outlook.fr")]
    [InlineData("jean@orage.fr", "jean@orange.fr")]
    [InlineData("jean@ornage.fr", "jean@orange.fr")]
    [InlineData("jean@orange.frr", "jean@orange.fr")]
    [InlineData("jean@laposte.ent", "jean@laposte.net")]
    [InlineData("jean@icloud.co", "jean@icloud.com")]
    [InlineData("jean@icloud.fr", "jean@icloud.com")]
    [InlineData("jean@me.con", "jean@me.com")]
    [InlineData("jean@sfr.rf", "jean@sfr.fr")]
    public void SuggestsTheProviderForAMistypedDomain(string input, string suggestion)
    {
        var check = ContactChecks.CheckEmail(input);

        Assert.False(check.Ok);
        Assert.Equal(CheckCodes.EmailSuspectedTypo, check.Code);
        Assert.Equal(suggestion, check.Suggestion);
        Assert.Equal($"Vouliez-vous dire {suggestion} ? Corrigez l'adresse avant le lancement.", check.Message);
    }

    [Fact]
    public void KeepsTheAddressAsTypedWhenSuggestingACorrection()
    {
        var check = ContactChecks.CheckEmail(" Jean@Gmial.com ");

        Assert.Equal("Jean@gmial.com", check.Normalized);
        Assert.Equal("Jean@gmail.com", check.Suggestion);
    }

    [Theory]
    [InlineData("jean.dupont")]
    [InlineData("jean.dupont.gmail.com")]
    [InlineData("jean@@gmail.com")]
    [InlineData("a@b@gmail.com")]
    [InlineData("user example@x.com")]
    [InlineData("jean@gmail .com")]
    [InlineData("us..er@x.com")]
    [InlineData(".user@x.com")]
    [InlineData("user.@x.com")]
    [InlineData("user@x")]
    [InlineData("user@hotmail")]
    [InlineData("user@x.c")]
    [InlineData("user@x.123")]
    [InlineData("user@x..com")]
    [InlineData("user@.x.com")]
    [InlineData("user@-x.com")]
    [InlineData("user@x-.com")]
    [InlineData("user@x_y.com")]
    [InlineData("user@[1.2.3.4]")]
    [InlineData("\"a b\"@x.com")]
    [InlineData("user(comment)@x.com")]
    [InlineData("user,name@x.com")]
    [InlineData("françois@x.fr")]
    [InlineData("user@exämple.fr")]
    [InlineData("@gmail.com")]
    [InlineData("user@")]
    public void RefusesAMalformedAddress(string input)
    {
        var check = ContactChecks.CheckEmail(input);

        Assert.False(check.Ok);
        Assert.Equal(CheckCodes.EmailInvalid, check.Code);
        Assert.False(string.IsNullOrWhiteSpace(check.Message));
        Assert.Null(check.Suggestion);
        Assert.Equal(input.Trim(), check.Normalized);
    }

    [Theory]
    [InlineData("Jean <j@x.fr>", "j@x.fr")]
    [InlineData("\"Jean Dupont\" <jean.dupont@orange.fr>", "jean.dupont@orange.fr")]
    [InlineData("jean@gmail.com.", "jean@gmail.com")]
    [InlineData("jean@gmail,com", "jean@gmail.com")]
    [InlineData("jean@gmail", "jean@gmail.com")]
    [InlineData("jean@Wanadoo", "jean@wanadoo.fr")]
    public void RefusesAMalformedAddressButOffersTheObviousFix(string input, string suggestion)
    {
        var check = ContactChecks.CheckEmail(input);

        Assert.False(check.Ok);
        Assert.Equal(CheckCodes.EmailInvalid, check.Code);
        Assert.Equal(suggestion, check.Suggestion);
    }

    [Fact]
    public void RefusesALocalPartLongerThan64Characters()
    {
        Assert.True(ContactChecks.CheckEmail($"{new string('a', 64)}@x.fr").Ok);
        Assert.Equal(CheckCodes.EmailInvalid, ContactChecks.CheckEmail($"{new string('a', 65)}@x.fr").Code);
    }

    [Fact]
    public void RefusesAnAddressLongerThan254Characters()
    {
        var domain = $"{new string('d', 63)}.{new string('d', 63)}.{new string('d', 63)}.fr";
        Assert.Equal(194, domain.Length);
        Assert.True(ContactChecks.CheckEmail($"{new string('a', 59)}@{domain}").Ok);
        Assert.Equal(CheckCodes.EmailInvalid, ContactChecks.CheckEmail($"{new string('a', 60)}@{domain}").Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void ReportsAMissingAddress(string? input)
    {
        var check = ContactChecks.CheckEmail(input);

        Assert.False(check.Ok);
        Assert.Equal(CheckCodes.EmailMissing, check.Code);
        Assert.Null(check.Normalized);
    }

    [Fact]
    public void LetsAContactWithBothChecksPassingReceiveRemoteProcedures()
    {
        Assert.True(ContactChecks.Check("jean@orange.fr", "06 12 34 56 78").CanReceiveRemote);
        Assert.False(ContactChecks.Check("jean@gmial.com", "06 12 34 56 78").CanReceiveRemote);
        Assert.False(ContactChecks.Check("jean@orange.fr", "0692 12 34 56").CanReceiveRemote);
    }
}
