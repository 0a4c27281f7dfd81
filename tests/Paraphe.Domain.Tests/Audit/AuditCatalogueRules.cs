using System.Text.Json;
using Paraphe.Domain.Audit;

namespace Paraphe.Domain.Tests.Audit;

/// <summary>The catalogue is closed and one-to-one: a kind, a stored type, a record; what it does not know it says so.</summary>
public class AuditCatalogueRules
{
    [Fact]
    public void EveryKindHasItsOwnTypeStringAndRecord()
    {
        var entries = AuditCatalogue.Kinds.Select(k => (Kind: k, Entry: AuditCatalogue.Entry(k))).ToList();

        Assert.Equal(Enum.GetValues<AuditKind>().Length, entries.Count);
        Assert.Equal(entries.Count, entries.Select(e => e.Entry.Type).Distinct().Count());
        Assert.Equal(entries.Count, entries.Select(e => e.Entry.Record).Distinct().Count());
        Assert.All(entries, e => Assert.Matches("^[a-z]+\\.[a-z_]+$", e.Entry.Type));
        Assert.All(entries, e => Assert.Equal(e.Kind, AuditCatalogue.KindOf(e.Entry.Type)));
    }

    [Fact]
    public void EveryRecordSaysTheKindItIsCataloguedUnder()
    {
        foreach (var kind in AuditCatalogue.Kinds)
        {
            var fact = (AuditFact)JsonSerializer.Deserialize("{}", AuditCatalogue.Entry(kind).Record)!;
            Assert.Equal(kind, fact.EventKind);
        }
    }

    [Fact]
    public void EveryRecordOfTheDomainIsInTheCatalogue()
    {
        var records = typeof(AuditFact).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(AuditFact)) && !t.IsAbstract).ToHashSet();

        Assert.Equal(records.OrderBy(t => t.Name), AuditCatalogue.Kinds.Select(k => AuditCatalogue.Entry(k).Record).OrderBy(t => t.Name));
        Assert.All(records, t => Assert.True(t.IsSealed, $"{t.Name} is sealed"));
    }

    [Fact]
    public void TheKindIsNotWrittenIntoTheData()
    {
        Assert.Equal("{}", AuditCatalogue.Serialize(new ProcedureSealingRetried()));
        Assert.Equal("""{"signer_id":"sgn_1","reason":"Non"}""", AuditCatalogue.Serialize(new SignerDeclined("sgn_1", "Non")));
    }

    [Fact]
    public void AStoredTypeThisVersionDoesNotKnowIsReadAsNothingRatherThanGuessed()
    {
        Assert.Null(AuditCatalogue.KindOf("agency.renamed"));
        Assert.Null(AuditCatalogue.Read("agency.renamed", """{"name":"Agence du Port"}"""));
        Assert.Null(AuditCatalogue.KindOf("Signer.Signed")); // types are compared exactly
    }

    [Fact]
    public void StoredDataThatDoesNotFitItsRecordIsReadAsNothing()
    {
        Assert.Null(AuditCatalogue.Read("signer.signed", """{"signer_id":42}"""));
        Assert.Null(AuditCatalogue.Read("signer.signed", "not json"));
        var older = Assert.IsType<SignerSigned>(AuditCatalogue.Read("signer.signed", """{"signer_id":"sgn_1","method":"remote"}"""));
        Assert.Equal(("sgn_1", "remote", null), (older.SignerId, older.Method, older.Ip)); // a key missing from older data
    }

    [Fact]
    public void ARecordWrittenUnderAnotherKindIsRefused()
    {
        var wrong = new ProcedureCompleted(2) with { EventKind = AuditKind.ProcedureSealed };
        Assert.Throws<InvalidOperationException>(() => AuditCatalogue.Serialize(wrong));
    }
}
