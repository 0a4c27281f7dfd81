using System.Globalization;
using System.Text.Json;
using Paraphe.Domain.Audit;

namespace Paraphe.Domain.Tests.Audit;

/// <summary>
/// The audit trails stored before the typed catalogue still verify, and every stored event reads into its record and
/// writes back to the very bytes that were hashed: the catalogue changed the code, not the evidence. The fixtures
/// (Resources/audit-chains.{sqlite,postgres}.json) are real chains made through the API by the code as it was before
/// the catalogue (Paraphe.Web.Tests.Audit.AuditChainScenarios); they are never regenerated to make this test pass.
/// </summary>
public class StoredChains
{
    /// <summary>
    /// Kinds added after the fixtures were made: they cannot be in them. A kind leaves this list when chains holding it
    /// are added to the fixtures (regenerated with AuditChainScenarios, which keeps the older chains' events as they were).
    /// </summary>
    public static readonly AuditKind[] NewKinds = [AuditKind.SignerInvited, AuditKind.ProcedureExpiringSoon, AuditKind.AlertRaised];

    public sealed record StoredEvent(int Seq, string At, string Type, string Actor, string Data, string PrevHash, string Hash);

    public sealed record StoredChain(string Scenario, string ProcedureId, IReadOnlyList<StoredEvent> Events);

    private sealed record FixtureFile(string Database, IReadOnlyList<StoredChain> Chains);

    private static readonly JsonSerializerOptions Read = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IReadOnlyList<(string File, StoredChain Chain)> Chains()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Resources");
        var files = Directory.GetFiles(directory, "audit-chains.*.json").Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 2, $"the stored audit chains (SQLite and PostgreSQL) are missing from {directory}");
        return files.SelectMany(f => JsonSerializer.Deserialize<FixtureFile>(File.ReadAllText(f), Read)!.Chains
            .Select(c => (Path.GetFileName(f), c))).ToList();
    }

    private static DateTime AtOf(StoredEvent e) =>
        DateTime.ParseExact(e.At, "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    [Fact]
    public void TheFixturesHoldManyChainsOfBothDatabases()
    {
        var chains = Chains();
        Assert.Contains(chains, c => c.File == "audit-chains.sqlite.json");
        Assert.Contains(chains, c => c.File == "audit-chains.postgres.json");
        Assert.True(chains.Sum(c => c.Chain.Events.Count) > 200, "the fixtures hold whole procedures");
    }

    [Fact]
    public void EveryStoredChainStillVerifies()
    {
        foreach (var (file, chain) in Chains())
        {
            var previous = AuditEvent.GenesisHash;
            var seq = 1;
            foreach (var e in chain.Events)
            {
                var where = $"{file} {chain.Scenario} n° {e.Seq} ({e.Type})";
                Assert.True(e.Seq == seq++, where);
                Assert.True(e.PrevHash == previous, where);
                Assert.True(AuditEvent.HashOf(e.PrevHash, e.Seq, AtOf(e), e.Type, e.Actor, e.Data) == e.Hash, $"{where}: hash");
                previous = e.Hash;
            }
        }
    }

    [Fact]
    public void EveryStoredEventReadsIntoItsRecordAndIsWrittenBackByteForByteWithTheSameHash()
    {
        foreach (var (file, chain) in Chains())
        {
            AuditEvent? rebuilt = null;
            foreach (var e in chain.Events)
            {
                var where = $"{file} {chain.Scenario} n° {e.Seq} ({e.Type})";
                var fact = AuditCatalogue.Read(e.Type, e.Data);
                Assert.True(fact is not null, $"{where}: not read into the catalogue: {e.Data}");
                Assert.Equal(e.Type, AuditCatalogue.TypeOf(fact.EventKind));
                Assert.Equal(AuditCatalogue.Entry(fact.EventKind).Record, fact.GetType());
                Assert.True(AuditCatalogue.Serialize(fact) == e.Data, $"{where}:\n stored  {e.Data}\n written {AuditCatalogue.Serialize(fact)}");

                // Through the write path itself: the same link, the same hash.
                rebuilt = AuditEvent.Append(rebuilt, "agc_fixture", chain.ProcedureId, e.Actor, fact, AtOf(e));
                Assert.Equal((e.Seq, e.Type, e.Data, e.PrevHash), (rebuilt.Seq, rebuilt.Type, rebuilt.Data, rebuilt.PrevHash));
                Assert.True(rebuilt.Hash == e.Hash, $"{where}: hash");
            }
        }
    }

    [Fact]
    public void EveryKindOfTheCatalogueIsInTheStoredChainsOrListedAsNew()
    {
        var stored = Chains().SelectMany(c => c.Chain.Events).Select(e => AuditCatalogue.KindOf(e.Type)).OfType<AuditKind>().ToHashSet();

        Assert.Empty(AuditCatalogue.Kinds.Except(stored).Except(NewKinds));
        Assert.Empty(NewKinds.Intersect(stored)); // a kind the fixtures hold is no longer new: take it off the list
    }
}
