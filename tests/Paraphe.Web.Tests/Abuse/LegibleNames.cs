using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Paraphe.Testing;
using Paraphe.Web.Features.Sealing;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 10: every name on the evidence page and in the stamps is legible — Latin with every diacritic,
/// Greek, Cyrillic and CJK come back exactly from pdftotext (poppler, independent of PDFsharp); characters outside the
/// BMP come back exactly or as the visible substitute, never blank. No database: the stamper and the evidence page are
/// pure functions over bytes.
/// </summary>
public sealed class LegibleNames : IDisposable
{
    private static readonly DateTime SignedAt = new(2026, 11, 27, 22, 8, 0, DateTimeKind.Utc);

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("paraphe-legible-").FullName;

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    /// <summary>
    /// The path a completed procedure takes (stamp, evidence and seal on one open document, saved once): every script
    /// in one document, the seal still valid for pdfsig, every name back from pdftotext on the stamps and the evidence.
    /// </summary>
    [Fact]
    public async Task Every_script_in_one_sealed_document_comes_back_exactly_and_the_seal_stays_valid()
    {
        string[] names = ["Œdipe Ærø Łódź", "Αλέξανδρος", "Дмитрий", "王小明", "山田太郎", "김민준", "𝕏𝕐 😀 Martin"];
        var facts = Facts(names[0], title: string.Join(" / ", names)) with
        {
            Signers = names.Select(n => Facts(n, n).Signers[0]).ToList(),
        };
        using var certificates = new SealCertificates(
            Microsoft.Extensions.Options.Options.Create(new Paraphe.Web.Platform.ParapheOptions { DataDirectory = _dataDirectory }),
            Microsoft.Extensions.Options.Options.Create(new SealingOptions()), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SealCertificates>.Instance);
        var sealer = new PdfSealer(certificates, Microsoft.Extensions.Options.Options.Create(new SealingOptions()),
            new Paraphe.Web.Tests.Sealing.LocalTimestampAuthority());

        var sealedPdf = await sealer.StampAndSealAsync(SamplePdfs.Valid(pageCount: 1),
            names.Select(n => new SignatureStamp(n, SignedAt, TypedName: n)).ToList(), facts);

        var path = Path.Combine(_dataDirectory, "sealed.pdf");
        await File.WriteAllBytesAsync(path, sealedPdf);
        var report = await Pdfsig.VerifyAsync(path,
            Path.Combine(_dataDirectory, SealCertificates.DevDirectoryName, SealCertificates.DevCaFileName));
        Assert.Contains("Signature is Valid.", report);
        var pages = await PdfText.PagesAsync(sealedPdf);
        var first = pages.ToList().FindIndex(p => p.StartsWith(EvidencePage.Title, StringComparison.Ordinal));
        Assert.True(first > 0, "no evidence page");
        var stamps = string.Join(' ', pages.Take(first));
        var evidence = string.Join(' ', pages.Skip(first));
        foreach (var name in names)
        {
            Assert.Contains($"Signé électroniquement par {name}", stamps);
            Assert.Contains($". {name}", evidence);
        }

        Assert.Contains($"Intitulé : {string.Join(" / ", names)}", evidence);
    }

    public static TheoryData<string> Names() => new()
    {
        "Œdipe Ærø Łódź Ñúñez Ğüşİ Čžř Ÿ",
        "Ångström Þórður Đặng Thị Hương Ǆemal Ŧęşţ", // Vietnamese stacks two diacritics on one letter
        "François Müller-Ødegård Żółć Ãçõ Ėįų",
        "Αλέξανδρος Παπαδόπουλος",
        "Дмитрий Шостакович Їжак Ґанок",
        "王小明",
        "山田太郎",
        "김민준 さくら カタカナ",
        "Zoe\u0308 Jose\u0301 A\u030Angstro\u0308m", // combining marks after their base letter
    };

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_name_comes_back_exactly_from_the_evidence_page(string name)
    {
        var pdf = EvidencePage.Append(SamplePdfs.Valid(pageCount: 1), Facts(name, title: $"Bail {name}"));

        var evidence = Normalized((await PdfText.PagesAsync(pdf))[1]);

        name = Normalized(name);
        Assert.Contains($"1. {name}", evidence);
        Assert.Contains($"Intitulé : Bail {name}", evidence);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_name_comes_back_exactly_from_the_stamp_caption_and_the_typed_signature(string name)
    {
        var pdf = SignatureStamper.Stamp(SamplePdfs.Valid(pageCount: 1),
        [
            new(name, SignedAt, new StampBox(1, 60, 80, 220, 90), TypedName: name),
            new(name, SignedAt), // the automatic block, typed name = the name
        ]);

        var pages = await PdfText.PagesAsync(pdf);
        var page = Normalized(pages[0] + " " + pages[1]); // the box on the contract, the other on the signature page

        name = Normalized(name);
        Assert.Equal(2, Occurrences(page, $"Signé électroniquement par {name}"));
        Assert.True(Occurrences(page, name) >= 4, $"typed signatures missing: {page}");
    }

    /// <summary>Outside the BMP (surrogate pairs in .NET strings): exactly, or each one as the visible substitute.</summary>
    [Theory]
    [InlineData("𝕏𝕐 Martin")]
    [InlineData("😀 Dupont")]
    [InlineData("Anne 👩‍💼 Leroy ✍️")]
    [InlineData("𝒜𝓁𝒾𝒸ℯ 𝔅𝔬𝔟")]
    public async Task Characters_outside_the_BMP_are_printed_or_substituted_visibly_never_blank(string name)
    {
        var pdf = SignatureStamper.Stamp(SamplePdfs.Valid(pageCount: 1), [new(name, SignedAt, TypedName: name)]);
        pdf = EvidencePage.Append(pdf, Facts(name, title: name));
        var pages = await PdfText.PagesAsync(pdf);

        foreach (var text in new[] { pages[1], pages[2] }) // the signature page, the evidence page
        {
            var printed = Printed(text, name);
            Assert.True(printed is not null, $"« {name} » is neither printed nor substituted in: {text}");
        }
    }

    [Fact]
    public void A_character_no_font_has_is_the_substitute_and_invisible_controls_are_left_out()
    {
        // U+10FFFD: private use, in no font. U+202E (right-to-left override) and U+200B: invisible, in no font.
        var shaped = TextLayout.Shape("A\U0010FFFDB\u202E\u200BC\u0007D\uD800E", DejaVuFonts.Sans);

        Assert.Equal($"A{TextLayout.Substitute}BC{TextLayout.Substitute}D{TextLayout.Substitute}E", shaped.ToString());
        Assert.True(shaped.Width(10) > 0);
    }

    [Theory]
    [InlineData("王小明", DejaVuFonts.Cjk)]
    [InlineData("김민준", DejaVuFonts.Hangul)]
    [InlineData("Αλέξανδρος Дмитрий Łódź", DejaVuFonts.Sans)]
    [InlineData("𝕏𝕐😀", DejaVuFonts.Sans)] // DejaVu Sans has these
    [InlineData("🦀🦁", DejaVuFonts.Symbols)]
    public void Each_script_is_drawn_with_a_font_that_has_it(string text, string family)
    {
        Assert.Equal([family], TextLayout.Shape(text, DejaVuFonts.Sans).FamiliesUsed());
    }

    [Fact]
    public void A_mixed_name_is_split_into_runs_by_font()
    {
        var shaped = TextLayout.Shape("Marie 王 김 🦀", DejaVuFonts.Serif, PdfSharp.Drawing.XFontStyleEx.Italic);

        Assert.Equal([DejaVuFonts.Serif, DejaVuFonts.Cjk, DejaVuFonts.Hangul, DejaVuFonts.Symbols], shaped.FamiliesUsed());
        Assert.Equal("Marie 王 김 🦀", shaped.ToString());
    }

    [Theory]
    [InlineData("王小明", DejaVuFonts.Cjk + "," + DejaVuFonts.Hangul)] // Nanum Gothic has the common Hanja too
    [InlineData("김민준", DejaVuFonts.Hangul)]
    [InlineData("🦀", DejaVuFonts.Symbols)]
    public void Without_a_fallback_font_its_characters_are_the_visible_substitute(string name, string missingFonts)
    {
        var missing = missingFonts.Split(',');
        var shaped = TextLayout.Shape($"M. {name}", DejaVuFonts.Sans, PdfSharp.Drawing.XFontStyleEx.Regular, f => !missing.Contains(f));

        Assert.Equal("M. " + string.Concat(name.EnumerateRunes().Select(_ => TextLayout.Substitute)), shaped.ToString());
        Assert.Empty(shaped.FamiliesUsed().Intersect(missing));
        Assert.True(shaped.Width(9) > TextLayout.Shape("M. ", DejaVuFonts.Sans).Width(9));
    }

    [Fact]
    public void A_missing_fallback_font_file_is_a_warning_naming_the_package_not_an_error()
    {
        var logger = new ListLogger();

        var found = DejaVuFonts.Locate("Symbola", "fonts-symbola", ["/nonexistent/Symbola.ttf"], logger);

        Assert.Null(found);
        var (level, message) = Assert.Single(logger.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, level);
        Assert.Contains("fonts-symbola", message);
    }

    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
    {
        public List<(Microsoft.Extensions.Logging.LogLevel, string)> Entries { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId,
            TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }

    internal static EvidenceFacts Facts(string name, string title) => new(
        "proc_legible", title, $"Document {title}", Convert.ToHexStringLower(SHA256.HashData([1, 2, 3])),
        [new SignerEvidence(name, "a@b.fr", "+33612345678", SignatureMethod.Remote, SignedAt, SignedAt, SignedAt, "203.0.113.7", "Mozilla/5.0")],
        "ab12", SignedAt);

    /// <summary>pdftotext gives a letter and its combining mark as it finds them; compare canonical forms.</summary>
    private static string Normalized(string text) => text.Normalize(NormalizationForm.FormC);

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }

    /// <summary>The name as printed in <paramref name="text"/>, exactly or with some symbols replaced by the substitute.</summary>
    private static string? Printed(string text, string name)
    {
        if (text.Contains(name, StringComparison.Ordinal)) return name;
        // A symbol may be substituted; an invisible joiner or variation selector may be left out.
        var pattern = string.Concat(name.EnumerateRunes().Select(r =>
        {
            var escaped = Regex.Escape(r.ToString());
            if (r.Value is 0x200D or 0xFE0F) return $"(?:{escaped})?";
            return r.IsBmp && Rune.GetUnicodeCategory(r) != System.Globalization.UnicodeCategory.OtherSymbol
                ? escaped
                : $"(?:{escaped}|{TextLayout.Substitute})";
        }));
        var match = Regex.Match(text, pattern);
        return match.Success ? match.Value : null;
    }
}
