using Paraphe.Domain.Contacts;

namespace Paraphe.Domain.Tests.Contacts;

public class MobileCheck
{
    [Theory]
    [InlineData("06 12 34 56 78", "+33612345678")]
    [InlineData("0612345678", "+33612345678")]
    [InlineData("06.12.34.56.78", "+33612345678")]
    [InlineData("06-12-34-56-78", "+33612345678")]
    [InlineData("(06) 12 34 56 78", "+33612345678")]
    [InlineData("  06 12 34 56 78  ", "+33612345678")]
    [InlineData("06\u00A012\u00A034\u00A056\u00A078", "+33612345678")]
    [InlineData("07 51 23 45 67", "+33751234567")]
    [InlineData("+33 6 12 34 56 78", "+33612345678")]
    [InlineData("+33612345678", "+33612345678")]
    [InlineData("0033 6 12 34 56 78", "+33612345678")]
    [InlineData("+33 (0)6 12 34 56 78", "+33612345678")]
    public void AcceptsAFrenchMobileInAnyCommonWriting(string input, string e164)
    {
        var check = ContactChecks.CheckMobile(input);

        Assert.True(check.Ok, check.Message);
        Assert.Null(check.Code);
        Assert.Null(check.Message);
        Assert.Null(check.Suggestion);
        Assert.Equal(("FR", "mobile", e164), (check.Region, check.Type, check.E164));
    }

    [Theory]
    [InlineData("+262 692 12 34 56", "+262692123456", "RE", "mobile")]
    [InlineData("+262 693 12 34 56", "+262693123456", "RE", "mobile")]
    [InlineData("00262 692 12 34 56", "+262692123456", "RE", "mobile")]
    [InlineData("+262 639 01 23 45", "+262639012345", "YT", "mobile")]
    [InlineData("+590 690 12 34 56", "+590690123456", "GP", "mobile")]
    [InlineData("+590 691 28 12 34", "+590691281234", "GP", "mobile")]
    [InlineData("+594 694 12 34 56", "+594694123456", "GF", "mobile")]
    [InlineData("+596 696 12 34 56", "+596696123456", "MQ", "mobile")]
    [InlineData("+596 697 12 34 56", "+596697123456", "MQ", "mobile")]
    [InlineData("+32 470 12 34 56", "+32470123456", "BE", "mobile")]
    [InlineData("0032 470 12 34 56", "+32470123456", "BE", "mobile")]
    [InlineData("+41 79 123 45 67", "+41791234567", "CH", "mobile")]
    [InlineData("+44 7400 123456", "+447400123456", "GB", "mobile")]
    [InlineData("+49 151 23456789", "+4915123456789", "DE", "mobile")]
    [InlineData("+1 (415) 555-2671", "+14155552671", "US", "fixed_line_or_mobile")]
    public void AcceptsOverseasAndForeignMobilesWrittenInternationally(string input, string e164, string region, string type)
    {
        var check = ContactChecks.CheckMobile(input);

        Assert.True(check.Ok, check.Message);
        Assert.Null(check.Code);
        Assert.Equal((region, type, e164), (check.Region, check.Type, check.E164));
    }

    [Theory]
    [InlineData("01 42 68 53 00", "fixed_line", "FR", "+33142685300", "ligne fixe")]
    [InlineData("02 40 12 34 56", "fixed_line", "FR", "+33240123456", "ligne fixe")]
    [InlineData("03 20 12 34 56", "fixed_line", "FR", "+33320123456", "ligne fixe")]
    [InlineData("04 91 12 34 56", "fixed_line", "FR", "+33491123456", "ligne fixe")]
    [InlineData("05 56 12 34 56", "fixed_line", "FR", "+33556123456", "ligne fixe")]
    [InlineData("+33 1 42 68 53 00", "fixed_line", "FR", "+33142685300", "ligne fixe")]
    [InlineData("09 51 23 45 67", "voip", "FR", "+33951234567", "internet")]
    [InlineData("08 00 12 34 56", "toll_free", "FR", "+33800123456", "numéro vert")]
    [InlineData("08 10 12 34 56", "shared_cost", "FR", "+33810123456", "service")]
    [InlineData("08 99 12 34 56", "premium_rate", "FR", "+33899123456", "surtaxé")]
    [InlineData("+49 30 123456", "fixed_line", "DE", "+4930123456", "ligne fixe")]
    [InlineData("+1 800 555 1234", "toll_free", "US", "+18005551234", "numéro vert")]
    public void RefusesAValidNumberThatCannotReceiveSms(string input, string type, string region, string e164, string said)
    {
        var check = ContactChecks.CheckMobile(input);

        Assert.False(check.Ok);
        Assert.Equal(CheckCodes.MobileNotMobile, check.Code);
        Assert.Equal((region, type, e164), (check.Region, check.Type, check.E164));
        Assert.Null(check.Suggestion);
        Assert.Contains(said, check.Message, StringComparison.Ordinal);
        Assert.Contains("SMS", check.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0692 12 34 56", "+262692123456", "RE")]
    [InlineData("0693 12 34 56", "+262693123456", "RE")]
    [InlineData("0639 01 23 45", "+262639012345", "YT")]
    [InlineData("0690 12 34 56", "+590690123456", "GP")]
    [InlineData("0691 28 12 34", "+590691281234", "GP")]
    [InlineData("0694 12 34 56", "+594694123456", "GF")]
    [InlineData("0696 12 34 56", "+596696123456", "MQ")]
    [InlineData("06.97.12.34.56", "+596697123456", "MQ")]
    [InlineData("+33 6 92 12 34 56", "+262692123456", "RE")]
    [InlineData("+33692123456", "+262692123456", "RE")]
    [InlineData("0033 694 12 34 56", "+594694123456", "GF")]
    [InlineData("+33 (0)6 96 12 34 56", "+596696123456", "MQ")]
    public void SuggestsTheOverseasNumberForAnOverseasMobileFiledUnderFrance(string input, string suggestion, string region)
    {
        var check = ContactChecks.CheckMobile(input);

        Assert.False(check.Ok);
        Assert.Equal(CheckCodes.MobileWrongCountry, check.Code);
        Assert.Equal(suggestion, check.Suggestion);
        Assert.Equal((region, "mobile"), (check.Region, check.Type));
        Assert.Null(check.E164);
        Assert.Contains("+33", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SuggestsReunionForA0692NumberFiledUnderFrance()
    {
        var check = ContactChecks.CheckMobile("0692 12 34 56");

        Assert.Equal("+262692123456", check.Suggestion);
        Assert.Equal("Ce numéro est un mobile de La Réunion enregistré avec l'indicatif de la France (+33) : "
            + "il faut l'indicatif +262. Utilisez +262 692 12 34 56.", check.Message);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("06 CALL ME")]
    [InlineData("0612345678 ext 12")]
    [InlineData("+")]
    [InlineData("0")]
    [InlineData("1234")]
    [InlineData("07 12 34 56 78")]
    [InlineData("06 12 34 56 7")]
    [InlineData("06 12 34 56 789")]
    [InlineData("+33 6 12 34 56 78 90")]
    [InlineData("+262 639 12 34 56")]
    [InlineData("0691 12 34 56")]
    [InlineData("+44 7700 900123")]
    [InlineData("++33612345678")]
    public void RefusesAnInvalidNumberWithoutGuessing(string input)
    {
        var check = ContactChecks.CheckMobile(input);

        Assert.False(check.Ok);
        Assert.Equal(CheckCodes.MobileInvalid, check.Code);
        Assert.False(string.IsNullOrWhiteSpace(check.Message));
        Assert.Null(check.Suggestion);
        Assert.Null(check.E164);
    }

    [Theory]
    [InlineData("06 12 34 56 7", "manque")]
    [InlineData("06 12 34 56 789", "de trop")]
    [InlineData("06 12 34 AB 78", "caractères non autorisés")]
    public void SaysWhatIsWrongWithAMistypedFrenchNumber(string input, string said)
    {
        var check = ContactChecks.CheckMobile(input);

        Assert.Equal(CheckCodes.MobileInvalid, check.Code);
        Assert.Contains(said, check.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void ReportsAMissingNumber(string? input)
    {
        var check = ContactChecks.CheckMobile(input);

        Assert.False(check.Ok);
        Assert.Equal(CheckCodes.MobileMissing, check.Code);
    }
}
