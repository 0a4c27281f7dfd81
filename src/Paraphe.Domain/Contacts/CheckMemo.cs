using System.Collections.Concurrent;

namespace Paraphe.Domain.Contacts;

/// <summary>
/// The answers of a pure check, remembered by input (issue 12: the list of procedures diagnoses 150 signers a page, and
/// parsing each mobile with libphonenumber was two thirds of building the page's items). The checks are pure functions
/// of the string and their answers immutable records, so a remembered answer is the answer. Bounded: past
/// <see cref="Capacity"/> inputs the memory starts again empty; inputs longer than <see cref="MaxInputLength"/> are not kept.
/// </summary>
internal sealed class CheckMemo<T>(Func<string, T> check) where T : class
{
    public const int Capacity = 4096;
    public const int MaxInputLength = 320;
    private readonly ConcurrentDictionary<string, T> _answers = new(StringComparer.Ordinal);

    public T Get(string input)
    {
        if (input.Length > MaxInputLength) return check(input);
        if (_answers.TryGetValue(input, out var known)) return known;
        var answer = check(input);
        if (_answers.Count >= Capacity) _answers.Clear();
        _answers.TryAdd(input, answer);
        return answer;
    }
}
