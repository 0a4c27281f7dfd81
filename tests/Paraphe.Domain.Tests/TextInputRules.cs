using Paraphe.Domain.Documents;
using Paraphe.Domain.Procedures;
using Paraphe.Domain.Tests.Procedures;

namespace Paraphe.Domain.Tests;

public class TextInputRules
{
    [Theory]
    [InlineData("Jeanne Durand")]
    [InlineData("Ἀλέξανδρος 王小明 Лефевр-Müller O'Brien")]
    [InlineData("😀 𝕏𝕐")] // surrogate pairs are whole characters
    [InlineData("")]
    public void VisibleTextOfEveryScriptIsAcceptedOnOneLine(string value) =>
        Assert.Null(TextInput.Problem(value, TextInput.LastName));

    [Theory]
    [InlineData("a\u0000b", "U+0000")]
    [InlineData("a\nb", "U+000A")]
    [InlineData("a\u001Bb", "U+001B")]
    [InlineData("a\u007Fb", "U+007F")]
    [InlineData("a\u0085b", "U+0085")]
    [InlineData("a\u202Eb", "U+202E")]
    [InlineData("a\u202Ab", "U+202A")]
    [InlineData("a\u2066b", "U+2066")]
    [InlineData("a\u2069b", "U+2069")]
    [InlineData("a\u200Eb", "U+200E")]
    [InlineData("a\u200Fb", "U+200F")]
    [InlineData("a\u061Cb", "U+061C")]
    public void ControlAndBidiCharactersAreRefusedInANameWithTheirCodePoint(string value, string codePoint) =>
        Assert.Contains(codePoint, TextInput.Problem(value, TextInput.FirstName));

    [Theory]
    [InlineData(0xD800, "a", "b")]
    [InlineData(0xDC00, "a", "")]
    [InlineData(0xD83D, "", "")]
    public void ALoneSurrogateIsRefusedEverywhere(int half, string before, string after)
    {
        // Built here: xunit would turn a lone surrogate written in the attribute into U+FFFD.
        var value = before + (char)half + after;
        Assert.NotNull(TextInput.Problem(value, TextInput.LastName));
        Assert.NotNull(TextInput.Problem(value, TextInput.Reason));
        Assert.NotNull(TextInput.CharacterProblem(value, multiLine: true));
    }

    [Fact]
    public void AReasonMayHoldLineBreaksAndTabsButNotOtherControls()
    {
        Assert.Null(TextInput.Problem("Prix revu.\r\n\tÀ rediscuter.", TextInput.Reason));
        Assert.NotNull(TextInput.Problem("Prix\u0000", TextInput.Reason));
        Assert.NotNull(TextInput.Problem("Prix\u000B", TextInput.Reason));
        Assert.NotNull(TextInput.Problem("Prix \u202E", TextInput.Reason));
    }

    [Fact]
    public void TheLimitIsInclusive()
    {
        Assert.Null(TextInput.Problem(new string('a', 200), TextInput.Title));
        Assert.Contains("200", TextInput.Problem(new string('a', 201), TextInput.Title));
    }

    [Fact]
    public void CleaningAHeaderDropsControlsBidiAndBrokenPairsAndCutsWithoutSplittingAPair()
    {
        Assert.Equal("Mozilla/5.0 (X11)", TextInput.Clean("Mozilla/5.0\u0000\u202E (X11)\ud800\r\n", 100));
        Assert.Null(TextInput.Clean(" \u0001 ", 100));
        Assert.Equal("ab", TextInput.Clean("ab😀", 3));
        Assert.Equal(512, TextInput.Clean(new string('m', 5000), TextInput.MaxUserAgent)!.Length);
    }

    [Fact]
    public void ANameWithABidiOverrideIsRefusedAsASignersRole()
    {
        var e = Assert.Throws<DomainException>(() =>
            Build.Draft().AddSigner("ctc_x", null, "vendeur\u202E", null, Build.Seller, Build.Agent));
        Assert.Equal(["role"], e.Errors.Keys);
    }

    [Theory]
    [InlineData(1, 0, 0, 595, 842, true)]
    [InlineData(1, 415, 782, 180, 60, true)]
    [InlineData(1, 415.5, 782, 180, 60, true)] // within half a point
    [InlineData(1, 416, 782, 180, 60, false)]
    [InlineData(1, -1, 0, 10, 10, false)]
    [InlineData(1, 0, 800, 10, 60, false)]
    [InlineData(2, 0, 0, 842, 595, true)] // a landscape page
    [InlineData(3, 0, 0, 10, 10, false)]
    [InlineData(1, double.NaN, 0, 10, 10, false)]
    [InlineData(1, 0, 0, double.PositiveInfinity, 10, false)]
    public void ASignatureBoxMustLieEntirelyInsideItsPage(int page, double x, double y, double w, double h, bool inside)
    {
        IReadOnlyList<PageSize> pages = [new(595, 842), new(842, 595)];
        Assert.Equal(inside, SignatureBoxes.Problem(new SignatureField(page, x, y, w, h), pages) is null);
    }

    [Fact]
    public void PageSizesRoundTripThroughTheirStoredForm()
    {
        var stored = PageSize.Format([new(595.276, 841.89), new(612, 792)]);
        Assert.Equal("595.28x841.89 612x792", stored);
        Assert.Equal([new PageSize(595.28, 841.89), new PageSize(612, 792)], PageSize.Parse(stored));
        Assert.Null(PageSize.Parse("junk"));
    }
}
