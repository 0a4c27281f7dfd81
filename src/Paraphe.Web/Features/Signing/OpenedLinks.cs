using System.Data;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using Paraphe.Data;
using Paraphe.Domain.Procedures;

namespace Paraphe.Web.Features.Signing;

/// <summary>
/// Issue 12: what an opened signing link shows, kept in memory so that `GET /sign/{token}` and
/// `GET /api/v1/signing/{token}` read one row instead of the procedure, its signers, their codes, the agency and the
/// document. The snapshot is keyed by the token's SHA-256 (as stored) and is trusted only while the procedure's
/// <see cref="Procedure.Version"/> — bumped by every change of the procedure, its signers and their codes, by whichever
/// instance — is still the stored one: each request reads it (with the agency's current name) by primary key, so a
/// change made anywhere (a signature, a cancellation, a relaunch, a code sent or locked, the expiry sweep) is seen by the
/// next request. Expiry by the clock is decided on each request with the injected clock. Only links that resolved to an
/// ongoing procedure and were already opened are remembered (the first opening, refusals and unknown tokens always take
/// the full path, so a guessed token never takes memory); at most <see cref="Capacity"/> snapshots, the least recently
/// used dropped first, and any unused for <see cref="Idle"/>.
/// </summary>
public sealed class OpenedLinks : IDisposable
{
    /// <summary>Snapshots kept at most (about 1–2 KB each: names, roles and the title of one procedure).</summary>
    public const int Capacity = 10_000;

    /// <summary>A snapshot nobody asked for during this long is dropped.</summary>
    public static readonly TimeSpan Idle = TimeSpan.FromMinutes(20);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = Capacity, CompactionPercentage = 0.2 });

    private sealed record Stamp(int Version, string AgencyName);

    // One indexed read per request: the procedure's version and its agency's name, by primary key, no tracking. A
    // compiled query belongs to one model (one database provider): one per model in use.
    private static readonly ConditionalWeakTable<IModel, Func<ParapheDbContext, string, CancellationToken, Task<Stamp?>>> CurrentStamp = [];

    private static Func<ParapheDbContext, string, CancellationToken, Task<Stamp?>> Compile() =>
        EF.CompileAsyncQuery((ParapheDbContext db, string procedureId, CancellationToken _) =>
            db.Procedures.IgnoreQueryFilters().AsNoTracking().Where(p => p.Id == procedureId)
                .Join(db.Agencies, p => p.AgencyId, a => a.Id, (p, a) => new Stamp(p.Version, a.Name))
                .FirstOrDefault());

    // PostgreSQL: the same read below EF (issue 12, sign7; cb4 did so for the callbacks), a prepared NpgsqlCommand on
    // the context's connection (PreparedReads) — the SQL EF generated for the compiled query above, without EF's
    // command pipeline around it. Test OpenedLinksAcrossInstances: one read per request, and it sees another instance's
    // change.
    internal const string PostgresStampSql =
        "SELECT p.\"Version\", a.\"Name\" FROM procedures AS p INNER JOIN agencies AS a ON p.\"AgencyId\" = a.\"Id\" WHERE p.\"Id\" = $1 LIMIT 1";

    private static async Task<Stamp?> ReadPostgresStampAsync(ParapheDbContext db, string procedureId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(PostgresStampSql, (NpgsqlConnection)db.Database.GetDbConnection());
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = procedureId });
        await command.PrepareAsync(ct);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        return await reader.ReadAsync(ct) ? new Stamp(reader.GetInt32(0), reader.GetString(1)) : null;
    }

    private long readsBelowEf;

    /// <summary>Stamps read below EF (PostgreSQL), which EF's interceptors do not see (tests count reads with both).</summary>
    public long ReadsBelowEf => Interlocked.Read(ref readsBelowEf);

    /// <summary>Snapshots held now (tests, diagnostics).</summary>
    public int Count => _cache.Count;

    /// <summary>Whether a snapshot of this link is kept (tests).</summary>
    public bool Holds(string token) => _cache.TryGetValue(SigningLinks.Hash(token), out _);

    /// <summary>
    /// The link opened: from memory when its procedure is unchanged and still open for signing now, else resolved in
    /// full (<see cref="SigningApi.OpenAsync"/>: refusals thrown, the first opening recorded) and remembered.
    /// </summary>
    public async Task<(SigningSnapshot Snapshot, string AgencyName)> OpenAsync(ParapheDbContext db, string token, HttpContext http,
        CancellationToken ct)
    {
        if (await TryGetAsync(db, token, ct) is { } hit) return hit;
        var session = await SigningApi.OpenAsync(db, token, http, ct);
        var snapshot = await SigningSnapshot.ReadAsync(db, session, ct);
        Remember(token, snapshot);
        return (snapshot, session.AgencyName);
    }

    /// <summary>The remembered snapshot, when the stored procedure is still the one it was taken from and the link is open now.</summary>
    public async Task<(SigningSnapshot Snapshot, string AgencyName)?> TryGetAsync(ParapheDbContext db, string token, CancellationToken ct)
    {
        if (token.Length is < 20 or > 100) return null;
        var key = SigningLinks.Hash(token);
        if (!_cache.TryGetValue(key, out SigningSnapshot? snapshot) || snapshot is null) return null;
        Stamp? stamp;
        if (db.IsPostgres)
        {
            Interlocked.Increment(ref readsBelowEf);
            stamp = await PreparedReads.ReadAsync(db, () => ReadPostgresStampAsync(db, snapshot.ProcedureId, ct), ct);
        }
        else stamp = await CurrentStamp.GetValue(db.Model, _ => Compile())(db, snapshot.ProcedureId, ct);
        if (stamp is null || stamp.Version != snapshot.Version)
        {
            _cache.Remove(key);
            return null;
        }
        // Past its expiry the full path answers (410, with the domain's reason), whether or not the sweep ran yet.
        if (snapshot.Status != ProcedureStatus.Ongoing || snapshot.ExpiresAt is { } at && db.UtcNow >= at) return null;
        return (snapshot, stamp.AgencyName);
    }

    /// <summary>Keeps the snapshot of a link that works and was opened; anything else is not kept.</summary>
    public void Remember(string token, SigningSnapshot snapshot)
    {
        if (snapshot.Status != ProcedureStatus.Ongoing || !snapshot.Opened) return;
        _cache.Set(SigningLinks.Hash(token), snapshot, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = Idle });
    }

    public void Dispose() => _cache.Dispose();
}

/// <summary>What the signing routes show of a resolved link (both the API's <see cref="SigningView"/> and the page).</summary>
public sealed record SigningSnapshot(
    string ProcedureId, int Version, string Title, ProcedureStatus Status, bool Otp, DateTime? ExpiresAt, int Pages,
    bool Opened, SigningView.SignerInfo Signer, string SignerName, DateTime? SignedAt, SignatureField? Field,
    bool OtpAlreadySent, bool OtpLocked, IReadOnlyList<SigningView.SignerInfo> Signers, IReadOnlyList<SigningSnapshot.Line> Lines)
{
    /// <summary>A signer as the page lists them.</summary>
    public sealed record Line(string Name, string Role, SignerStatus Status, bool IsYou);

    public static async Task<SigningSnapshot> ReadAsync(ParapheDbContext db, SigningSession s, CancellationToken ct)
    {
        var pages = await db.Documents.IgnoreQueryFilters().Where(d => d.Id == s.Procedure.DocumentId).Select(d => d.Pages).FirstAsync(ct);
        return Of(s, pages);
    }

    public static SigningSnapshot Of(SigningSession session, int pages)
    {
        var (p, me) = (session.Procedure, session.Signer);
        static SigningView.SignerInfo Info(Signer x) => new(x.FirstName, x.LastName, x.Role, x.Status);
        var ordered = p.Signers.OrderBy(x => x.Order).ToList();
        return new SigningSnapshot(p.Id, p.Version, p.Title, p.Status, p.Otp, p.ExpiresAt, pages, me.OpenedAt is not null,
            Info(me), me.DisplayName, me.SignedAt, me.Field is { } f ? f with { } : null, me.LatestCode is not null,
            me.OtpLockedAt is not null, ordered.Select(Info).ToList(),
            ordered.Select(x => new Line(x.DisplayName, x.Role, x.Status, x.Id == me.Id)).ToList());
    }

    public SigningView View(string agencyName, string token) =>
        new(Title, agencyName, SigningApi.Wire(Status), Signer, $"/api/v1/signing/{Uri.EscapeDataString(token)}/document", Pages,
            Otp, ExpiresAt, Signers);
}
