namespace Paraphe.Domain.Notifications;

public enum SmsEncoding { Gsm7, Ucs2 }

/// <param name="Units">septets for GSM-7, UTF-16 code units for UCS-2 (an emoji is 2).</param>
/// <param name="Segments">how many SMS the operator bills.</param>
public sealed record SmsSegmentCount(SmsEncoding Encoding, int Units, int Segments)
{
    public string EncodingLabel => Encoding switch
    {
        SmsEncoding.Gsm7 => "GSM-7",
        SmsEncoding.Ucs2 => "UCS-2",
    };

    /// <summary>« 1 segment (GSM-7) », « 2 segments (UCS-2) ».</summary>
    public string Label => $"{Segments} segment{(Segments > 1 ? "s" : "")} ({EncodingLabel})";
}

/// <summary>
/// How many SMS a text costs. GSM-7 when every character is in the GSM 03.38 alphabet: 160 septets in one SMS,
/// 153 per part once concatenated (the user data header takes 7); €, [, ], {, }, ^, ~, \, | take 2. Otherwise
/// UCS-2: 70 UTF-16 units in one SMS, 67 per part.
/// </summary>
public static class SmsSegments
{
    public const int Gsm7Single = 160;
    public const int Gsm7Part = 153;
    public const int Ucs2Single = 70;
    public const int Ucs2Part = 67;

    public static SmsSegmentCount Count(string text)
    {
        if (Gsm7.IsGsm7(text))
        {
            var septets = text.Sum(Gsm7.Septets);
            return new(SmsEncoding.Gsm7, septets, septets <= Gsm7Single ? 1 : Parts(text, Gsm7Part, Gsm7.Septets));
        }
        // A surrogate pair counts 2 units and, like an escape sequence in GSM-7, is never split between two parts.
        return new(SmsEncoding.Ucs2, text.Length, text.Length <= Ucs2Single ? 1 : Parts(text, Ucs2Part, _ => 1));
    }

    /// <summary>Fills parts greedily, moving an indivisible character (ESC + septet, surrogate pair) whole to the next part.</summary>
    private static int Parts(string text, int capacity, Func<char, int> unitsOf)
    {
        var parts = 1;
        var used = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var units = unitsOf(text[i]);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                units += unitsOf(text[i + 1]);
                i++;
            }
            if (used + units > capacity)
            {
                parts++;
                used = 0;
            }
            used += units;
        }
        return parts;
    }
}
