using System.Text;
using Paraphe.Testing;
using Paraphe.Web.Features.Sealing;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 1 (« every text layout is linear in its input »), for the stamps and the evidence page. No timing:
/// the layout counts its work (<see cref="TextLayout.Steps"/>: characters shaped, wrapped, fitted, drawn) and its
/// PDFsharp measurements (<see cref="TextLayout.Measurements"/>), per thread; ten times the text must cost about ten
/// times the steps, and measurements follow the distinct characters, never the length. The old wrap measured every
/// prefix of a long word (quadratic: a 30,000-character word took minutes).
/// </summary>
public sealed class LinearTextLayout
{
    private static readonly DateTime SignedAt = new(2026, 11, 27, 22, 8, 0, DateTimeKind.Utc);

    public static TheoryData<string, string> Shapes() => new()
    {
        { "one word", "Abcdéfghij" },
        { "many words", "Jean Éloïse " },
        { "mixed scripts", "王小明Дмит😀𝕏 " },
        { "one CJK word", "山田太郎王小明김민" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Wrapping_ten_times_the_text_costs_ten_times_the_steps(string shape, string unit)
    {
        var small = Steps(() => TextLayout.Wrap(TextLayout.Shape(Repeat(unit, 1_000), DejaVuFonts.Sans), 9, 483));
        var large = Steps(() => TextLayout.Wrap(TextLayout.Shape(Repeat(unit, 10_000), DejaVuFonts.Sans), 9, 483));

        var ratio = (double)large / small;
        Assert.True(ratio is > 9 and < 11, $"{shape}: {small} steps for 1,000 characters, {large} for 10,000 (× {ratio:F2})");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Wrapped_lines_fit_the_width_and_keep_every_character(string shape, string unit)
    {
        var text = Repeat(unit, 20_000);
        var lines = TextLayout.Wrap(TextLayout.Shape(text, DejaVuFonts.Sans), 9, 200);

        Assert.All(lines, l => Assert.True(l.Width(9) <= 200 + 1e-6 || l.Length == 1, $"{shape}: {l.Width(9)} pt > 200 pt"));
        // Breaking at a space drops that space only: nothing else is lost.
        Assert.Equal(text.Replace(" ", ""), string.Concat(lines.Select(l => l.ToString().Replace(" ", ""))));
    }

    [Fact]
    public void Each_distinct_character_is_measured_once_not_each_occurrence()
    {
        var text = Repeat("Ωmega王😀 ", 300_000);
        TextLayout.Shape(text, DejaVuFonts.Sans);
        var before = TextLayout.Measurements;
        var shaped = TextLayout.Shape(text, DejaVuFonts.Sans);

        Assert.Equal(before, TextLayout.Measurements); // all from the cache the first pass filled
        Assert.Equal(text, shaped.ToString());
    }

    [Fact]
    public void A_stamp_for_a_name_ten_times_longer_costs_at_most_ten_times_more()
    {
        long StampSteps(int length) => Steps(() => SignatureStamper.Stamp(SamplePdfs.Valid(pageCount: 1),
            [new(Repeat("Łukasz王 ", length), SignedAt, new StampBox(1, 60, 80, 220, 90)), new(Repeat("Ab", length), SignedAt)]));

        var baseline = StampSteps(10);
        var small = StampSteps(10_000) - baseline;
        var large = StampSteps(100_000) - baseline;

        var ratio = (double)large / small;
        Assert.True(ratio is > 8 and < 11, $"{small} steps for 10,000 characters, {large} for 100,000 (× {ratio:F2})");
    }

    [Fact]
    public void The_evidence_page_costs_ten_times_more_for_a_name_ten_times_longer_and_is_bounded_beyond()
    {
        long EvidenceSteps(int length) => Steps(() => EvidencePage.Append(SamplePdfs.Valid(pageCount: 1),
            LegibleNames.Facts(Repeat("Ἀλέξ ", length), Repeat("Bail", length))));

        var baseline = EvidenceSteps(0);
        var small = EvidenceSteps(150) - baseline;
        var large = EvidenceSteps(1_500) - baseline;
        var huge = EvidenceSteps(300_000) - baseline;

        var ratio = (double)large / small;
        Assert.True(ratio is > 9 and < 11, $"{small} steps for 150 characters, {large} for 1,500 (× {ratio:F2})");
        // Beyond EvidencePage.LineMaxLength a line is cut: 300,000 characters cost what 2,000 do.
        Assert.True(huge < large * 2, $"{huge} steps for 300,000 characters, {large} for 1,500");
    }

    [Fact]
    public async Task A_300000_character_single_word_title_prints_its_beginning_and_says_how_much_is_left_out()
    {
        var title = Repeat("Titre", 300_000);
        var pdf = EvidencePage.Append(SamplePdfs.Valid(pageCount: 1), LegibleNames.Facts("Jean Dupont", title));

        var pages = await PdfText.PagesAsync(pdf);

        var evidence = string.Concat(pages.Skip(1)).Replace(" ", "");
        Assert.Contains(Repeat("Titre", 1_000), evidence);
        Assert.Contains($"…[{300_000 - (EvidencePage.LineMaxLength - "Intitulé : ".Length)}caractèresdeplusnonimprimés]", evidence);
        Assert.Contains("1.JeanDupont", evidence);
        Assert.True(pages.Count <= 4, $"{pages.Count} pages"); // the document + 1 to 3 evidence pages, never 70
    }

    [Fact]
    public void A_line_is_never_cut_inside_a_surrogate_pair()
    {
        var text = "a" + Repeat("😀", EvidencePage.LineMaxLength * 2);

        var bounded = EvidencePage.Bounded(text);

        Assert.DoesNotContain('\uFFFD', bounded);
        Assert.True(char.IsHighSurrogate(bounded[bounded.IndexOf('…') - 2]));
    }

    [Fact]
    public void A_typed_name_too_long_for_its_box_ends_with_an_ellipsis_at_4_points()
    {
        var (text, size) = SignatureStamper.Fit(Repeat("Marie ", 50_000), DejaVuFonts.Serif, 22, PdfSharp.Drawing.XFontStyleEx.Italic, 200);

        Assert.Equal(4, size);
        Assert.EndsWith(TextLayout.Ellipsis, text.ToString());
        Assert.True(text.Width(size) <= 196 + 1e-6, $"{text.Width(size)} pt");
    }

    private static string Repeat(string unit, int length)
    {
        var b = new StringBuilder(length + unit.Length);
        while (b.Length < length) b.Append(unit);
        var s = b.ToString(0, length);
        return s.Length > 0 && char.IsHighSurrogate(s[^1]) ? s[..^1] + "x" : s;
    }

    private static long Steps(Action action)
    {
        var before = TextLayout.Steps;
        action();
        return TextLayout.Steps - before;
    }

    private static long Steps<T>(Func<T> action) => Steps(() => { action(); });
}
