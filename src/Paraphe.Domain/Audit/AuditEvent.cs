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

    private static readonly JsonSerializerOptions DataJson = new()
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

    public static AuditEvent Append(AuditEvent? previous, string agencyId, string procedureId, string type, string actor,
        IReadOnlyDictionary<string, object?> data, DateTime at)
    {
        var e = new AuditEvent
        {
            AgencyId = agencyId, ProcedureId = procedureId, Seq = (previous?.Seq ?? 0) + 1,
            At = DateTime.SpecifyKind(new DateTime(at.Ticks - at.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc),
            Type = type, Actor = actor, Data = JsonSerializer.Serialize(data, DataJson),
            PrevHash = previous?.Hash ?? GenesisHash,
        };
        e.Hash = e.ComputeHash();
        return e;
    }

    public string ComputeHash()
    {
        var canonical = string.Join('\n', PrevHash, Seq.ToString(CultureInfo.InvariantCulture),
            At.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), Type, Actor, Data);
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
