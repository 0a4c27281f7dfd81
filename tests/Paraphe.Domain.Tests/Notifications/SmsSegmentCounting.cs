using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Tests.Notifications;

/// <summary>What an SMS costs: GSM-7 (160 / 153 per part) or UCS-2 (70 / 67 per part).</summary>
public class SmsSegmentCounting
{
    public static TheoryData<string, SmsEncoding, int, int> Cases => new()
    {
        { "", SmsEncoding.Gsm7, 0, 1 },
        { new string('a', 160), SmsEncoding.Gsm7, 160, 1 },
        { new string('a', 161), SmsEncoding.Gsm7, 161, 2 },
        { new string('a', 306), SmsEncoding.Gsm7, 306, 2 },
        { new string('a', 307), SmsEncoding.Gsm7, 307, 3 },
        { "€", SmsEncoding.Gsm7, 2, 1 },
        { new string('a', 158) + "€", SmsEncoding.Gsm7, 160, 1 },
        { new string('a', 159) + "€", SmsEncoding.Gsm7, 161, 2 },
        { "[]{}^~\\|", SmsEncoding.Gsm7, 16, 1 },
        // An escape sequence is never split: the € that would straddle parts moves whole to the next one.
        { new string('a', 152) + "€" + new string('a', 151), SmsEncoding.Gsm7, 305, 2 },
        { new string('a', 152) + "€" + new string('a', 152), SmsEncoding.Gsm7, 306, 3 },
        { "Signez ici : é è ù à É Ç", SmsEncoding.Gsm7, 24, 1 },
        { "ê", SmsEncoding.Ucs2, 1, 1 },
        { new string('é', 159) + "ê", SmsEncoding.Ucs2, 160, 3 },
        { new string('x', 69) + "«", SmsEncoding.Ucs2, 70, 1 },
        { new string('x', 70) + "«", SmsEncoding.Ucs2, 71, 2 },
        { new string('x', 133) + "’", SmsEncoding.Ucs2, 134, 2 },
        { new string('x', 134) + "’", SmsEncoding.Ucs2, 135, 3 },
        { "😀", SmsEncoding.Ucs2, 2, 1 },
        { new string('x', 68) + "😀", SmsEncoding.Ucs2, 70, 1 },
        { new string('x', 69) + "😀", SmsEncoding.Ucs2, 71, 2 },
        // A surrogate pair is never split either: 66 + 😀 does not fit the first 67-unit part.
        { new string('x', 66) + "😀" + new string('x', 65), SmsEncoding.Ucs2, 133, 2 },
        { new string('x', 66) + "😀" + new string('x', 66), SmsEncoding.Ucs2, 134, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CountsEncodingUnitsAndSegments(string text, SmsEncoding encoding, int units, int segments)
    {
        Assert.Equal(new SmsSegmentCount(encoding, units, segments), SmsSegments.Count(text));
    }

    [Fact]
    public void SaysItInWordsForTheOperator()
    {
        Assert.Equal("1 segment (GSM-7)", SmsSegments.Count("Bonjour").Label);
        Assert.Equal("3 segments (UCS-2)", SmsSegments.Count(new string('ê', 140)).Label);
    }
}
