using System.Reflection;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Tests.Procedures;

namespace Paraphe.Domain.Tests.Audit;

/// <summary>AuditEvent.Append and FindBreak: any edit, deletion or reordering in the stored chain is found.</summary>
public class AuditChain
{
    private const string ProcedureId = "prc_compromis_garibaldi";

    /// <summary>Five events of a procedure's life, one minute apart.</summary>
    private static List<AuditEvent> Chain()
    {
        var clock = Build.Clock();
        var steps = new (string Actor, AuditFact Fact)[]
        {
            (Build.Agent, new ProcedureCreated("remote", Build.DocumentId, false)),
            (Build.Agent, new SignerAdded("sgn_lefevre", "ctc_lefevre", null, "vendeur")),
            (Build.Agent, new ProcedureLaunched("remote", Build.DocumentSha, clock.Now().AddDays(30), [])),
            ("signer:sgn_lefevre", new SignerLinkOpened("sgn_lefevre", "203.0.113.7", null)),
            ("signer:sgn_lefevre", new SignerSigned("sgn_lefevre", "remote", "Camille Lefèvre", "203.0.113.7", null)),
        };
        var chain = new List<AuditEvent>();
        foreach (var (actor, fact) in steps)
        {
            chain.Add(AuditEvent.Append(chain.LastOrDefault(), Build.AgencyId, ProcedureId, actor, fact, clock.Now()));
            clock.Advance(TimeSpan.FromMinutes(1));
        }
        return chain;
    }

    /// <summary>What someone with write access to the table could do: change a stored column.</summary>
    private static void Tamper<T>(AuditEvent e, string property, T value) =>
        typeof(AuditEvent).GetProperty(property, BindingFlags.Public | BindingFlags.Instance)!.SetValue(e, value);

    [Fact]
    public void StartsFromTheGenesisHash()
    {
        var first = Chain()[0];

        Assert.Equal(1, first.Seq);
        Assert.Equal(AuditEvent.GenesisHash, first.PrevHash);
        Assert.Equal(new string('0', 64), AuditEvent.GenesisHash);
    }

    [Fact]
    public void LinksEachEventToThePreviousHash()
    {
        var chain = Chain();

        Assert.Equal([1, 2, 3, 4, 5], chain.Select(e => e.Seq));
        for (var i = 1; i < chain.Count; i++) Assert.Equal(chain[i - 1].Hash, chain[i].PrevHash);
        Assert.Equal(chain.Count, chain.Select(e => e.Hash).Distinct().Count());
    }

    [Fact]
    public void HashesAs64LowercaseHexCharacters()
    {
        Assert.All(Chain(), e => Assert.Matches("^[0-9a-f]{64}$", e.Hash));
    }

    [Fact]
    public void HashesTheSameFactsTheSameWay()
    {
        var at = Build.Start.UtcDateTime;
        var fact = new ProcedureCancelled("Erreur sur le prix");

        var a = AuditEvent.Append(null, Build.AgencyId, ProcedureId, Build.Agent, fact, at);
        var b = AuditEvent.Append(null, Build.AgencyId, ProcedureId, Build.Agent, fact with { }, at);

        Assert.Equal(a.Hash, b.Hash);
        Assert.Equal(a.Hash, a.ComputeHash());
    }

    [Fact]
    public void StoresTheDataAsSnakeCaseJsonKeepingAccents()
    {
        var e = AuditEvent.Append(null, Build.AgencyId, ProcedureId, "signer:sgn_moreau",
            new SignerDeclined("sgn_moreau", "Prêt refusé « banque »"), Build.Start.UtcDateTime);

        Assert.Equal("signer.declined", e.Type);
        Assert.Equal("""{"signer_id":"sgn_moreau","reason":"Prêt refusé « banque »"}""", e.Data);
    }

    [Fact]
    public void KeepsTimesToTheMillisecondInUtc()
    {
        var at = Build.Start.UtcDateTime.AddTicks(1_234_5678);

        var e = AuditEvent.Append(null, Build.AgencyId, ProcedureId, Build.Agent, new ProcedureSealingRetried(), at);

        Assert.Equal(Build.Start.UtcDateTime.AddMilliseconds(1234), e.At);
        Assert.Equal(DateTimeKind.Utc, e.At.Kind);
        Assert.Equal(e.Hash, e.ComputeHash());
    }

    [Fact]
    public void VerifiesAnUntouchedChain()
    {
        Assert.Null(AuditEvent.FindBreak(Chain()));
    }

    [Fact]
    public void VerifiesAnEmptyChain()
    {
        Assert.Null(AuditEvent.FindBreak([]));
    }

    [Fact]
    public void VerifiesAChainReadInAnyOrder()
    {
        var chain = Chain();
        chain.Reverse();

        Assert.Null(AuditEvent.FindBreak(chain));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void FindsEditedData(int seq)
    {
        var chain = Chain();

        Tamper(chain[seq - 1], nameof(AuditEvent.Data), """{"method":"remote","typed_name":"Quelqu'un d'autre"}""");

        Assert.Equal(seq, AuditEvent.FindBreak(chain));
    }

    [Fact]
    public void FindsAnEditedType()
    {
        var chain = Chain();

        Tamper(chain[4], nameof(AuditEvent.Type), "signer.declined");

        Assert.Equal(5, AuditEvent.FindBreak(chain));
    }

    [Fact]
    public void FindsAnEditedTime()
    {
        var chain = Chain();

        Tamper(chain[3], nameof(AuditEvent.At), chain[3].At.AddSeconds(-30));

        Assert.Equal(4, AuditEvent.FindBreak(chain));
    }

    [Fact]
    public void FindsAnEditedActor()
    {
        var chain = Chain();

        Tamper(chain[1], nameof(AuditEvent.Actor), "user:usr_directrice_garnier");

        Assert.Equal(2, AuditEvent.FindBreak(chain));
    }

    [Fact]
    public void FindsAnEditedPreviousHash()
    {
        var chain = Chain();

        Tamper(chain[2], nameof(AuditEvent.PrevHash), new string('a', 64));

        Assert.Equal(3, AuditEvent.FindBreak(chain));
    }

    [Fact]
    public void FindsAnEventWhoseHashWasRecomputedAfterAnEdit()
    {
        var chain = Chain();
        Tamper(chain[1], nameof(AuditEvent.Actor), "user:usr_directrice_garnier");

        Tamper(chain[1], nameof(AuditEvent.Hash), chain[1].ComputeHash());

        Assert.Equal(3, AuditEvent.FindBreak(chain));
    }

    [Fact]
    public void FindsADeletedEvent()
    {
        var chain = Chain();

        chain.RemoveAt(2);

        Assert.Equal(4, AuditEvent.FindBreak(chain));
    }

    [Fact]
    public void FindsADeletedFirstEvent()
    {
        var chain = Chain();

        chain.RemoveAt(0);

        Assert.Equal(2, AuditEvent.FindBreak(chain));
    }

    [Fact]
    public void FindsTwoEventsThatSwappedPlaces()
    {
        var chain = Chain();

        Tamper(chain[1], nameof(AuditEvent.Seq), 3);
        Tamper(chain[2], nameof(AuditEvent.Seq), 2);

        Assert.Equal(2, AuditEvent.FindBreak(chain));
    }

    [Fact]
    public void FindsAnEventInsertedIntoTheChain()
    {
        var chain = Chain();
        var forged = AuditEvent.Append(chain[1], Build.AgencyId, ProcedureId, "signer:sgn_lefevre",
            new SignerSigned("sgn_lefevre", "remote", null, null, null), chain[1].At.AddSeconds(10));

        chain.Insert(2, forged);
        for (var i = 3; i < chain.Count; i++) Tamper(chain[i], nameof(AuditEvent.Seq), i + 1);

        Assert.Equal(4, AuditEvent.FindBreak(chain));
    }
}
