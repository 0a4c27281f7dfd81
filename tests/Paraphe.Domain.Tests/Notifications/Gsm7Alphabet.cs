using Paraphe.Domain.Notifications;

namespace Paraphe.Domain.Tests.Notifications;

/// <summary>The GSM 03.38 alphabet, checked character by character for French, and the SMS-only transliteration.</summary>
public class Gsm7Alphabet
{
    [Theory]
    [InlineData('é', 1)] [InlineData('è', 1)] [InlineData('ù', 1)] [InlineData('à', 1)] [InlineData('É', 1)]
    [InlineData('Ç', 1)] [InlineData('ì', 1)] [InlineData('ò', 1)] [InlineData('ü', 1)] [InlineData('ä', 1)]
    [InlineData('@', 1)] [InlineData('£', 1)] [InlineData('$', 1)] [InlineData('_', 1)] [InlineData('§', 1)]
    [InlineData('\n', 1)] [InlineData('"', 1)] [InlineData('\'', 1)]
    [InlineData('€', 2)] [InlineData('[', 2)] [InlineData(']', 2)] [InlineData('{', 2)] [InlineData('}', 2)]
    [InlineData('^', 2)] [InlineData('~', 2)] [InlineData('\\', 2)] [InlineData('|', 2)]
    [InlineData('ê', 0)] [InlineData('â', 0)] [InlineData('î', 0)] [InlineData('ô', 0)] [InlineData('û', 0)]
    [InlineData('ç', 0)] [InlineData('œ', 0)] [InlineData('«', 0)] [InlineData('»', 0)] [InlineData('’', 0)]
    [InlineData('È', 0)] [InlineData('À', 0)] [InlineData('ë', 0)] [InlineData('ï', 0)] [InlineData('`', 0)]
    [InlineData('\u00A0', 0)] [InlineData('…', 0)] [InlineData('—', 0)]
    public void CountsSeptetsPerCharacter(char c, int septets)
    {
        Assert.Equal(septets, Gsm7.Septets(c));
    }

    [Fact]
    public void TheBasicTableHas127CharactersAndTheExtensionTen()
    {
        var all = Enumerable.Range(0, char.MaxValue + 1).Select(i => (char)i).ToList();
        Assert.Equal(127, all.Count(c => Gsm7.Septets(c) == 1)); // 128 codes, one of them the escape
        Assert.Equal(10, all.Count(c => Gsm7.Septets(c) == 2));
        Assert.All(Enumerable.Range(32, 95).Select(i => (char)i).Except("`[]{}^~\\|"), c => Assert.Equal(1, Gsm7.Septets(c)));
    }

    [Theory]
    [InlineData("« Compromis »", "\"Compromis\"")]
    [InlineData("le bail «\u00A0meublé\u202F» signé", "le bail \"meublé\" signé")]
    [InlineData("l’appartement", "l'appartement")]
    [InlineData("fenêtre, château, île, hôtel, sûr", "fenetre, chateau, ile, hotel, sur")]
    [InlineData("façade, Ça", "facade, Ça")]
    [InlineData("cœur, Œuvre", "coeur, OEuvre")]
    [InlineData("À Noël, Ève", "A Noel, Eve")]
    [InlineData("12\u00A0rue — 3e étage…", "12 rue - 3e étage...")]
    [InlineData("élève à où Émile", "élève à où Émile")]
    [InlineData("Prix : 250 000 €", "Prix : 250 000 €")]
    public void TransliteratesOnlyWhatGsm7Lacks(string text, string expected)
    {
        var result = Gsm7.Transliterate(text);

        Assert.Equal(expected, result);
        Assert.True(Gsm7.IsGsm7(result));
    }

    [Fact]
    public void KeepsWhatHasNoEquivalentSoTheTextGoesAsUcs2RatherThanLoseIt()
    {
        var result = Gsm7.Transliterate("Clé 🔑 à récupérer");

        Assert.Equal("Clé 🔑 à récupérer", result);
        Assert.Equal(SmsEncoding.Ucs2, SmsSegments.Count(result).Encoding);
    }
}
