using System.Text.RegularExpressions;
using Paraphe.Domain.Audit;
using Paraphe.Testing;
using Paraphe.Web.Features.Sealing;
using Paraphe.Web.Tests.Abuse;

namespace Paraphe.Web.Tests.Sealing;

/// <summary>
/// The certificate's « Chronologie »: every event of the trail in order, worded from the catalogue (a signer's by their
/// name), a type of another version by its stored type, and a bounded number of lines whatever the trail's length.
/// </summary>
public partial class EvidenceChronology
{
    private static readonly DateTime At = new(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc); // 10:00 in Paris

    private static EvidenceFacts WithTrail(IReadOnlyList<EvidenceEvent> trail) =>
        LegibleNames.Facts("Jeanne Durand", "Compromis rue Garibaldi") with { Trail = trail };

    private static async Task<string> EvidenceTextAsync(EvidenceFacts facts)
    {
        var pages = await PdfText.PagesAsync(EvidencePage.Append(SamplePdfs.Valid(pageCount: 1), facts));
        return Spaces().Replace(string.Join(' ', pages.Skip(1)), " ");
    }

    [Fact]
    public async Task EachEventIsWordedInOrderWithTheSignersNameAndAnUnknownTypeByItsStoredType()
    {
        var text = await EvidenceTextAsync(WithTrail(
        [
            new(1, At, AuditCatalogue.TypeOf(AuditKind.ProcedureCreated), null),
            new(2, At.AddMinutes(1), AuditCatalogue.TypeOf(AuditKind.ProcedureLaunched), null),
            new(3, At.AddMinutes(2), AuditCatalogue.TypeOf(AuditKind.SignerSigned), "Jeanne Durand"),
            new(4, At.AddMinutes(3), "agency.renamed", null),
        ]));

        var created = text.IndexOf("n° 1 · 02/03/2026 à 10:00 · Création de la procédure", StringComparison.Ordinal);
        var launched = text.IndexOf("n° 2 · 02/03/2026 à 10:01 · Lancement", StringComparison.Ordinal);
        var signed = text.IndexOf("n° 3 · 02/03/2026 à 10:02 · Signature du document (Jeanne Durand)", StringComparison.Ordinal);
        var unknown = text.IndexOf("n° 4 · 02/03/2026 à 10:03 · Événement enregistré « agency.renamed »", StringComparison.Ordinal);
        Assert.True(created > 0 && launched > created && signed > launched && unknown > signed, text);
    }

    [Fact]
    public async Task ALongTrailPrintsItsFirstEventsAndSaysHowManyMoreTheTrailKeeps()
    {
        var trail = Enumerable.Range(1, EvidencePage.TrailMaxLines + 50)
            .Select(i => new EvidenceEvent(i, At.AddSeconds(i), AuditCatalogue.TypeOf(AuditKind.NotificationDeferred), null)).ToList();

        var pdf = EvidencePage.Append(SamplePdfs.Valid(pageCount: 1), WithTrail(trail));
        var text = Spaces().Replace(string.Join(' ', (await PdfText.PagesAsync(pdf)).Skip(1)), " ");

        Assert.Contains($"n° {EvidencePage.TrailMaxLines} ·", text, StringComparison.Ordinal);
        Assert.DoesNotContain($"n° {EvidencePage.TrailMaxLines + 1} ·", text, StringComparison.Ordinal);
        Assert.Contains("… et 50 événements de plus, conservés dans le journal d'audit.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutATrailThereIsNoChronology()
    {
        Assert.DoesNotContain("Chronologie", await EvidenceTextAsync(WithTrail([])), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
