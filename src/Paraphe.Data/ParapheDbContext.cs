using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Paraphe.Data.Records;
using Paraphe.Data.Alerts;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Alerts;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Contacts;
using Paraphe.Domain.Documents;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Data;

/// <summary>
/// The one DbContext, for SQLite and PostgreSQL alike. Saving drains each procedure's pending events into
/// its hash-chained audit trail, so state, audit and outbox rows always commit together.
/// <para>
/// Pooled (issue 12): a context's internal services cost ~34 KB and tens of microseconds to set up, on every request.
/// The pool creates it with its options only; each lease gives it the request's tenant and the clock
/// (<see cref="Lease"/>, through <c>ContextLeases</c> in Paraphe.Web), and forgets what the previous lease left.
/// </para>
/// </summary>
public sealed class ParapheDbContext(DbContextOptions<ParapheDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    private ITenant tenant = NoTenant.Instance;
    private TimeProvider clock = TimeProvider.System;

    /// <summary>
    /// Starts a lease of this context: whose agency its queries see, the clock, and nothing left of an earlier lease
    /// (EF Core resets its own state when the context goes back to the pool; these are ours).
    /// </summary>
    public ParapheDbContext Lease(ITenant leaseTenant, TimeProvider leaseClock)
    {
        tenant = leaseTenant;
        clock = leaseClock;
        alerts = new AlertQueue();
        knownChainEnds = null;
        return this;
    }

    public DbSet<Agency> Agencies => Set<Agency>();
    public DbSet<User> Users => Set<User>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<Document> Documents => Set<Document>();
    public DbSet<DocumentContent> DocumentContents => Set<DocumentContent>();
    public DbSet<Procedure> Procedures => Set<Procedure>();
    public DbSet<Signer> Signers => Set<Signer>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<NotificationEvent> NotificationEvents => Set<NotificationEvent>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<CapturedMessage> CapturedMessages => Set<CapturedMessage>();
    public DbSet<SealedDocument> SealedDocuments => Set<SealedDocument>();
    public DbSet<SealingJob> SealingJobs => Set<SealingJob>();
    public DbSet<SignatureFormRecord> SignatureForms => Set<SignatureFormRecord>();
    public DbSet<AgentSession> AgentSessions => Set<AgentSession>();
    public DbSet<SecurityEvent> SecurityEvents => Set<SecurityEvent>();
    public DbSet<UserAlert> UserAlerts => Set<UserAlert>();
    public DbSet<AlertPreferences> AlertPreferences => Set<AlertPreferences>();
    public DbSet<AccountToken> AccountTokens => Set<AccountToken>();
    public DbSet<PlatformSecret> PlatformSecrets => Set<PlatformSecret>();
    public DbSet<RateLimitCounter> RateLimitCounters => Set<RateLimitCounter>();
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    /// <summary>ASP.NET Data Protection's key ring (cookies, antiforgery), shared by every instance.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Read by the query filters at query time.</summary>
    public string? TenantAgencyId => tenant.AgencyId;

    public DateTime UtcNow => clock.GetUtcNow().UtcDateTime;

    private bool? onPostgres;

    /// <summary>
    /// Whether this context talks to PostgreSQL (else SQLite). Asked of EF once per context instance: EF's
    /// <c>IsNpgsql()</c> builds the provider's assembly name on every call, 1.4 % of the app's CPU on the signing routes
    /// when asked per read (issue 12, sign6). A pooled context keeps its options, so the answer holds across leases.
    /// </summary>
    public bool IsPostgres => onPostgres ??= Database.IsNpgsql();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        builder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        builder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        builder.Properties<ProcedureMode>().HaveConversion<string>().HaveMaxLength(20);
        builder.Properties<ProcedureStatus>().HaveConversion<string>().HaveMaxLength(20);
        builder.Properties<SignerStatus>().HaveConversion<string>().HaveMaxLength(20);
        builder.Properties<Channel>().HaveConversion<string>().HaveMaxLength(10);
        builder.Properties<Purpose>().HaveConversion<string>().HaveMaxLength(20);
        builder.Properties<DeliveryStatus>().HaveConversion<string>().HaveMaxLength(20);
        builder.Properties<DeliveryFailure>().HaveConversion<string>().HaveMaxLength(20);
        builder.Properties<UserRole>().HaveConversion<string>().HaveMaxLength(20);
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.ApplyConfigurationsFromAssembly(typeof(ParapheDbContext).Assembly);
        b.Entity<Contact>().HasQueryFilter(e => e.AgencyId == TenantAgencyId);
        b.Entity<Document>().HasQueryFilter(e => e.AgencyId == TenantAgencyId);
        b.Entity<DocumentContent>().HasQueryFilter(e => e.AgencyId == TenantAgencyId);
        b.Entity<Procedure>().HasQueryFilter(e => e.AgencyId == TenantAgencyId);
        b.Entity<Notification>().HasQueryFilter(e => e.AgencyId == TenantAgencyId);
        b.Entity<AuditEvent>().HasQueryFilter(e => e.AgencyId == TenantAgencyId);
        b.Entity<User>().HasQueryFilter(e => e.AgencyId == TenantAgencyId);
        b.Entity<CapturedMessage>().HasQueryFilter(e => e.AgencyId == TenantAgencyId);
        b.Entity<SealedDocument>().HasQueryFilter(e => e.AgencyId == TenantAgencyId);
        b.Entity<SignatureFormRecord>().HasQueryFilter(e => e.AgencyId == TenantAgencyId);
        b.Entity<UserAlert>().HasQueryFilter(e => e.AgencyId == TenantAgencyId);
        b.Entity<AlertPreferences>().HasQueryFilter(e => e.AgencyId == TenantAgencyId);
        b.Entity<WebhookEndpoint>().HasQueryFilter(e => e.AgencyId == TenantAgencyId);
        b.Entity<WebhookDelivery>().HasQueryFilter(e => e.AgencyId == TenantAgencyId);
    }

    public override async Task<int> SaveChangesAsync(CancellationToken cancellationToken = default)
    {
        // Changes detected once here and once before the write, not at every look of the pipeline (DetectOnce.cs).
        if (DetectingOnce) { ChangeTracker.DetectChanges(); return await SaveChainedAsync(cancellationToken); } // a follow-up's save
        if (!ChangeTracker.AutoDetectChangesEnabled || !(detectOnce ??= DetectBeforeWrite.IsLastIn(this)))
            return await SaveChainedAsync(cancellationToken);
        ChangeTracker.DetectChanges();
        ChangeTracker.AutoDetectChangesEnabled = false;
        DetectingOnce = true;
        try { return await SaveChainedAsync(cancellationToken); }
        finally
        {
            DetectingOnce = false;
            ChangeTracker.AutoDetectChangesEnabled = true;
        }
    }

    /// <summary>Inside a save whose changes were detected at its start (<see cref="DetectBeforeWrite"/> detects again before the write).</summary>
    public bool DetectingOnce { get; private set; }

    private bool? detectOnce;

    private async Task<int> SaveChainedAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var appended = await AppendAuditEventsAsync(cancellationToken);
            try
            {
                var written = await base.SaveChangesAsync(cancellationToken);
                foreach (var owner in appended) owner.Clear();
                // The trail is append-only: the next save asks the database for each chain's end, never trusts a
                // copy another writer may have extended since.
                foreach (var entry in ChangeTracker.Entries<AuditEvent>().ToList()) entry.State = EntityState.Detached;
                return written;
            }
            catch (DbUpdateException e)
            {
                // Not written: the events stay pending and their links are dropped, so that they can be chained again.
                var tried = ChangeTracker.Entries<AuditEvent>().Where(x => x.State == EntityState.Added).Select(x => x.Entity).ToList();
                foreach (var entry in ChangeTracker.Entries<AuditEvent>().Where(x => x.State == EntityState.Added).ToList())
                    entry.State = EntityState.Detached;
                if (e is DbUpdateConcurrencyException || !await IsAuditChainCollisionAsync(e, tried, cancellationToken)) throw;
                // Another writer (a delivery report, the dispatcher) extended the same chain first, but our own rows
                // were not stale: chain onto its new end and write again. Nothing else was written (one transaction).
                if (attempt < MaxChainRetries && Database.CurrentTransaction is null) continue;
                throw new DbUpdateConcurrencyException("The procedure's audit chain was extended by another writer.", e);
            }
        }
    }

    private const int MaxChainRetries = 8;

    /// <summary>The agent's alerts, raised in the save that records their cause (<see cref="AlertQueue"/>).</summary>
    private AlertQueue alerts = new();

    /// <summary>Only Data Protection's key repository, which saves synchronously, may use it.</summary>
    public override int SaveChanges() =>
        ChangeTracker.Entries().All(e => e.Entity is DataProtectionKey)
            ? base.SaveChanges()
            : throw new NotSupportedException("Use SaveChangesAsync: it writes the audit trail in the same transaction.");

    /// <summary>
    /// Whether the save lost the race for a chain's end: a unique violation (by the database's code, <see cref="DbErrors"/>)
    /// on the chain's index when the database names it (PostgreSQL), else — SQLite names no constraint — when one of
    /// the positions this save tried to write is now taken by another writer.
    /// </summary>
    private async Task<bool> IsAuditChainCollisionAsync(DbUpdateException e, List<AuditEvent> tried, CancellationToken ct)
    {
        var conflict = DbErrors.Classify(e);
        if (conflict.Kind != DbConflictKind.UniqueViolation || tried.Count == 0) return false;
        if (conflict.Constraint is { } constraint) return constraint == AuditChainIndex;
        if (Database.CurrentTransaction is not null) return false; // a caller's transaction is aborted: nothing to probe
        foreach (var chain in tried.GroupBy(a => a.ProcedureId))
        {
            var (procedureId, first) = (chain.Key, chain.Min(a => a.Seq));
            if (await AuditEvents.IgnoreQueryFilters().AnyAsync(a => a.ProcedureId == procedureId && a.Seq >= first, ct)) return true;
        }
        return false;
    }

    /// <summary>The unique index on (procedure_id, seq) that keeps two writers from forking a chain, named from the model.</summary>
    private string AuditChainIndex => auditChainIndex ??= Model.FindEntityType(typeof(AuditEvent))!.GetIndexes()
        .Single(i => i.IsUnique && i.Properties.Any(p => p.Name == nameof(AuditEvent.Seq))).GetDatabaseName()!;

    private string? auditChainIndex;

    /// <summary>Something whose pending audit events were chained in this save, to clear once it is written.</summary>
    private readonly record struct AuditOwner(Action Clear);

    /// <summary>
    /// Chains the pending events of every changed procedure, then of every changed notification (its delivery
    /// changes), onto their procedure's audit trail, in the same transaction as the change itself.
    /// </summary>
    private async Task<List<AuditOwner>> AppendAuditEventsAsync(CancellationToken ct)
    {
        var now = UtcNow;
        var hints = knownChainEnds;
        knownChainEnds = null;
        var owners = new List<AuditOwner>();
        var pending = new List<(string AgencyId, string ProcedureId, bool New, IReadOnlyList<ProcedureEvent> Events, AuditOwner Owner)>();
        foreach (var entry in ChangeTracker.Entries<Procedure>())
            if (entry.Entity.PendingEvents.Count > 0)
            {
                EnqueueSealing(entry.Entity, now);
                pending.Add((entry.Entity.AgencyId, entry.Entity.Id, entry.State == EntityState.Added, entry.Entity.PendingEvents,
                    new AuditOwner(entry.Entity.ClearPendingEvents)));
            }
        foreach (var entry in ChangeTracker.Entries<Notification>())
            if (entry.Entity.PendingEvents.Count > 0)
                pending.Add((entry.Entity.AgencyId, entry.Entity.ProcedureId!, false, entry.Entity.PendingEvents,
                    new AuditOwner(entry.Entity.ClearPendingEvents)));
        foreach (var a in await alerts.RaiseAsync(this, now, ct))
            pending.Add((a.AgencyId, a.ProcedureId, false, [a.Event], new AuditOwner(alerts.Saved)));
        if (pending.Count == 0) return owners;

        var created = pending.Where(p => p.New).Select(p => p.ProcedureId).ToHashSet();
        foreach (var group in pending.GroupBy(p => p.ProcedureId))
        {
            var procedureId = group.Key;
            AuditEvent? last = null;
            // A procedure being inserted has no stored events (they reference it): no need to ask the database.
            // A chain end read with the changed row (KnowChainEnd) is used once; a retried save asks again.
            (int Seq, string Hash)? known = null;
            if (!created.Contains(procedureId) && hints?.TryGetValue(procedureId, out var end) == true) known = end;
            else if (!created.Contains(procedureId))
                last = await AuditEvents.IgnoreQueryFilters().Where(e => e.ProcedureId == procedureId)
                    .OrderByDescending(e => e.Seq).FirstOrDefaultAsync(ct);
            foreach (var (agencyId, _, _, events, owner) in group)
            {
                foreach (var e in events)
                {
                    last = known is { } k && last is null ? AuditEvent.Append(k.Seq, k.Hash, agencyId, procedureId, e.Actor, e.Fact, now)
                        : AuditEvent.Append(last, agencyId, procedureId, e.Actor, e.Fact, now);
                    AuditEvents.Add(last);
                }
                owners.Add(owner);
            }
        }
        return owners;
    }

    private Dictionary<string, (int Seq, string Hash)>? knownChainEnds;

    /// <summary>
    /// The end of a procedure's audit chain, read by the caller in the same query as the row it is about to change
    /// (a delivery report): the next save chains onto it instead of asking the database again. Used by that save's
    /// first attempt only; if another writer extended the chain since, the unique (procedure_id, seq) index refuses
    /// the write and the retry reads the end afresh, as for any race.
    /// </summary>
    public void KnowChainEnd(string procedureId, int seq, string hash) => (knownChainEnds ??= [])[procedureId] = (seq, hash);

    /// <summary>
    /// The transactional outbox of completion: the save that completes a procedure also writes its sealing job, so no
    /// handler can forget it and a crash right after the commit leaves the job for the worker to find.
    /// </summary>
    private void EnqueueSealing(Procedure procedure, DateTime now)
    {
        if (!procedure.PendingEvents.Any(e => e.Fact is ProcedureCompleted)) return;
        if (ChangeTracker.Entries<SealingJob>().Any(j => j.Entity.ProcedureId == procedure.Id)) return; // a retried save
        SealingJobs.Add(new SealingJob
        {
            ProcedureId = procedure.Id, AgencyId = procedure.AgencyId, CreatedAt = now, NextAttemptAt = now,
        });
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
