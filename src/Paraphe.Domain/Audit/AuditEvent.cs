using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Paraphe.Domain.Audit;

/// <summary>
/// One link of a procedure's append-only audit chain: its hash covers the previous event's hash, so
/// removing, reordering or editing any event breaks every hash after it.
/// </summary>
public sealed class AuditEvent
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>How <see cref="AuditCatalogue"/> writes an event's data: the stored hashes depend on every byte.</summary>
    internal static readonly JsonSerializerOptions DataJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private AuditEvent() { }

    public long Id { get; private set; }
    public string AgencyId { get; private set; } = "";
    public string ProcedureId { get; private set; } = "";
    public int Seq { get; private set; }
    public DateTime At { get; private set; }
    public string Type { get; private set; } = "";
    public string Actor { get; private set; } = "";
    /// <summary>The event's data as JSON, exactly the bytes that were hashed.</summary>
    public string Data { get; private set; } = "{}";
    public string PrevHash { get; private set; } = GenesisHash;
    public string Hash { get; private set; } = "";

    /// <summary>The next link of the chain after <paramref name="previous"/> (null: the first), saying <paramref name="fact"/>.</summary>
    public static AuditEvent Append(AuditEvent? previous, string agencyId, string procedureId, string actor, AuditFact fact, DateTime at) =>
        Append(previous?.Seq ?? 0, previous?.Hash ?? GenesisHash, agencyId, procedureId, actor, fact, at);

    /// <summary>The next link after the one numbered <paramref name="previousSeq"/> whose hash is <paramref name="previousHash"/> (0 and <see cref="GenesisHash"/>: the first).</summary>
    public static AuditEvent Append(int previousSeq, string previousHash, string agencyId, string procedureId, string actor, AuditFact fact, DateTime at)
    {
        var e = new AuditEvent
        {
            AgencyId = agencyId, ProcedureId = procedureId, Seq = previousSeq + 1,
            At = DateTime.SpecifyKind(new DateTime(at.Ticks - at.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc),
            Type = AuditCatalogue.TypeOf(fact.EventKind), Actor = actor, Data = AuditCatalogue.Serialize(fact),
            PrevHash = previousHash,
        };
        e.Hash = e.ComputeHash();
        return e;
    }

    public string ComputeHash() => HashOf(PrevHash, Seq, At, Type, Actor, Data);

    /// <summary>The hash of one link from its stored columns.</summary>
    public static string HashOf(string prevHash, int seq, DateTime at, string type, string actor, string data)
    {
        var canonical = string.Join('\n', prevHash, seq.ToString(CultureInfo.InvariantCulture),
            at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), type, actor, data);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Recomputes the chain; returns the sequence number of the first broken link, or null.</summary>
    public static int? FindBreak(IEnumerable<AuditEvent> events)
    {
        var expectedPrev = GenesisHash;
        var expectedSeq = 1;
        foreach (var e in events.OrderBy(e => e.Seq))
        {
            if (e.Seq != expectedSeq || e.PrevHash != expectedPrev || e.ComputeHash() != e.Hash) return e.Seq;
            expectedPrev = e.Hash;
            expectedSeq++;
        }
        return null;
    }
}
