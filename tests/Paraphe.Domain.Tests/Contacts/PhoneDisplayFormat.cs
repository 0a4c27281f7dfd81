using Paraphe.Domain.Contacts;

namespace Paraphe.Domain.Tests.Contacts;

public class PhoneDisplayFormat
{
    [Theory]
    [InlineData("+33612345678", "06 12 34 56 78")]
    [InlineData("+33142685300", "01 42 68 53 00")]
    [InlineData("+262692123456", "+262 692 12 34 56")]
    [InlineData("+590690123456", "+590 690 12 34 56")]
    [InlineData("+32470123456", "+32 470 12 34 56")]
    [InlineData("06 12 34 56 78", "06 12 34 56 78")]
    public void FranceIsShownNationallyAndEveryOtherCountryInternationally(string stored, string shown) =>
        Assert.Equal(shown, PhoneDisplay.Format(stored));

    [Theory]
    [InlineData("06 12 34", "06 12 34")]
    [InlineData("jean@example.fr", "jean@example.fr")]
    [InlineData("", "")]
    public void SomethingThatIsNotAValidNumberIsShownAsTyped(string stored, string shown) =>
        Assert.Equal(shown, PhoneDisplay.Format(stored));

    [Theory]
    [InlineData("+33612345678", "06 •• •• •• 78")]
    [InlineData("+33633445566", "06 •• •• •• 66")]
    [InlineData("+262692123456", "+262 6 •• •• •• 56")]
    [InlineData("+596696123456", "+596 6 •• •• •• 56")]
    [InlineData("+32470123456", "+32 4 •• •• •• 56")]
    public void AMaskKeepsTheCountryCodeTheFirstDigitAndTheLastTwo(string stored, string masked) =>
        Assert.Equal(masked, PhoneDisplay.Mask(stored));

    [Fact]
    public void AMaskNeverShowsMoreThanThreeDigitsOfTheNumber()
    {
        var masked = PhoneDisplay.Mask("+262692123456");
        Assert.Equal(3, masked.Replace("+262", "", StringComparison.Ordinal).Count(char.IsAsciiDigit));
        Assert.Equal("•• ••", PhoneDisplay.Mask("1234"));
    }
}
