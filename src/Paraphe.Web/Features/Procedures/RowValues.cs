using System.Collections.Frozen;
using System.Data.Common;
using System.Globalization;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// Reading the list's rows by hand (issue 12, fourth round): an enum stored by name looked up in a table of its names
/// instead of <see cref="Enum.Parse{TEnum}(string)"/> per value, and a time SQLite stores as text
/// (`yyyy-MM-dd HH:mm:ss.FFFFFFF`, what EF and Microsoft.Data.Sqlite write) read from its fixed positions instead of
/// `DateTime.Parse`. Anything else — a name not in the table, a time in another shape, PostgreSQL's binary timestamps —
/// goes to the driver's and the runtime's own parsing, so a value reads exactly as before.
/// </summary>
public static class RowValues
{
    public static T Enum<T>(string stored) where T : struct, Enum =>
        Names<T>.ByName.TryGetValue(stored, out var value) ? value : System.Enum.Parse<T>(stored);

    /// <summary>A stored time, as the model's converter reads it: UTC.</summary>
    public static DateTime Utc(DbDataReader r, int ordinal) => DateTime.SpecifyKind(
        r.GetFieldType(ordinal) == typeof(string) && TryParse(r.GetString(ordinal), out var fast) ? fast : r.GetDateTime(ordinal),
        DateTimeKind.Utc);

    /// <summary>`yyyy-MM-dd HH:mm:ss` with an optional fraction of 1–7 digits; false for anything else.</summary>
    public static bool TryParse(string s, out DateTime value)
    {
        value = default;
        if (s.Length < 19 || s.Length == 20 || s.Length > 27 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':')
            return false;
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
            return false;
        long ticks = 0;
        if (s.Length > 19)
        {
            if (s[19] != '.' || !Digits(s, 20, s.Length - 20, out var fraction)) return false;
            ticks = fraction;
            for (var i = s.Length - 20; i < 7; i++) ticks *= 10;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
        return true;
    }

    private static bool Digits(string s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var d = s[i] - '0';
            if ((uint)d > 9) return false;
            value = value * 10 + d;
        }
        return true;
    }

    private static class Names<T> where T : struct, Enum
    {
        public static readonly FrozenDictionary<string, T> ByName =
            System.Enum.GetValues<T>().ToFrozenDictionary(v => v.ToString(), StringComparer.Ordinal);
    }
}
