using Paraphe.Domain.Contacts;

namespace Paraphe.Domain.Tests.Contacts;

/// <summary>
/// Issue 12: the contact checks remember their answers by input (the list diagnoses 150 signers a page). A remembered
/// answer must be the answer: asked again, after thousands of other inputs (past the memory's bound), or with another
/// spelling of the same number, each input gets what the check says for it.
/// </summary>
public class RememberedChecks
{
    [Theory]
    [InlineData("06 12 34 56 78", true, null)]
    [InlineData("0612345678", true, null)]
    [InlineData("01 42 68 53 00", false, CheckCodes.MobileNotMobile)]
    [InlineData("0692 12 34 56", false, CheckCodes.MobileWrongCountry)]
    [InlineData("06 12 34 56 7", false, CheckCodes.MobileInvalid)]
    public void AMobileAskedAgainGetsTheSameAnswer(string mobile, bool ok, string? code)
    {
        var first = ContactChecks.CheckMobile(mobile);
        for (var i = 0; i < 5_000; i++) ContactChecks.CheckMobile($"06 {i / 100 % 100:00} {i % 100:00} 00 00");
        var again = ContactChecks.CheckMobile(mobile);
        Assert.Equal(ok, first.Ok);
        Assert.Equal(code, first.Code);
        Assert.Equal(first, again);
    }

    [Theory]
    [InlineData("marie.dupont@gmail.com", true, null)]
    [InlineData("marie.dupont@gmial.com", false, CheckCodes.EmailSuspectedTypo)]
    [InlineData("marie..dupont@gmail.com", false, CheckCodes.EmailInvalid)]
    [InlineData(" ", false, CheckCodes.EmailMissing)]
    public void AnEmailAskedAgainGetsTheSameAnswer(string email, bool ok, string? code)
    {
        var first = ContactChecks.CheckEmail(email);
        for (var i = 0; i < 5_000; i++) ContactChecks.CheckEmail($"client{i}@exemple.fr");
        var again = ContactChecks.CheckEmail(email);
        Assert.Equal(ok, first.Ok);
        Assert.Equal(code, first.Code);
        Assert.Equal(first, again);
    }

    [Fact]
    public void DistinctInputsAreNeverConfused()
    {
        var answers = Enumerable.Range(0, 9_000).Select(i => $"client{i}@exemple.fr").ToDictionary(e => e, ContactChecks.CheckEmail);
        foreach (var (email, answer) in answers)
            Assert.Equal(email, ContactChecks.CheckEmail(email).Normalized);
        Assert.Null(ContactChecks.CheckEmail(null).Normalized);
    }
}
