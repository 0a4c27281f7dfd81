using Paraphe.Domain.Contacts;

namespace Paraphe.Domain.Tests.Contacts;

public class ContactSearchKeys
{
    private static readonly string Key = ContactSearch.Key("Hélène", "Lefèvre-Œillet", "Helene.L@Example.fr", "+33612345678");

    private static bool Finds(string query) =>
        ContactSearch.Terms(query) is { Count: > 0 } terms && terms.All(t => Key.Contains(t, StringComparison.Ordinal));

    [Theory]
    [InlineData("06 12 34 56 78")]
    [InlineData("0612345678")]
    [InlineData("06.12.34.56.78")]
    [InlineData("06-12-34-56-78")]
    [InlineData("+33 6 12 34 56 78")]
    [InlineData("+33612345678")]
    [InlineData("0033612345678")]
    [InlineData("00 33 6 12 34 56 78")]
    [InlineData("34 56 78")]
    [InlineData("5678")]
    [InlineData("+33 6 12")]
    public void FindsTheMobileHoweverItIsTyped(string query) => Assert.True(Finds(query), query);

    [Theory]
    [InlineData("Helene")]
    [InlineData("HÉLÈNE")]
    [InlineData("helene lefevre")]
    [InlineData("lefevre helene")]
    [InlineData("Lefèvre Œillet")]
    [InlineData("lefevre-oeillet")]
    [InlineData("helene.l@example")]
    public void FindsTheNamesAndTheAddressWithoutAccentsOrCase(string query) => Assert.True(Finds(query), query);

    [Theory]
    [InlineData("06 12 34 56 79")]
    [InlineData("+262 6 12")]
    [InlineData("Hélèna")]
    public void DoesNotFindWhatIsNotThere(string query) => Assert.False(Finds(query), query);

    [Fact]
    public void AnOverseasMobileIsFoundInItsNationalAndInternationalWritings()
    {
        var key = ContactSearch.Key("Paul", "Hoarau", "paul@example.re", "+262692123456");
        Assert.All(new[] { "0692 12 34 56", "+262 692 12 34 56", "00262692123456" }, q =>
            Assert.All(ContactSearch.Terms(q), t => Assert.Contains(t, key, StringComparison.Ordinal)));
    }

    [Fact]
    public void NoQueryMeansNoTerms() => Assert.Empty(ContactSearch.Terms("   "));
}
