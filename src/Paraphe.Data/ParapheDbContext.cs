using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Paraphe.Data.Records;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Contacts;
using Paraphe.Domain.Documents;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Data;

/// <summary>
/// The one DbContext, for SQLite and PostgreSQL alike. Saving drains each procedure's pending events into
/// its hash-chained audit trail, so state, audit and outbox rows always commit together.
/// </summary>
public sealed class ParapheDbContext(DbContextOptions<ParapheDbContext> options, ITenant tenant, TimeProvider clock)
    : DbContext(options)
{
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

    /// <summary>Read by the query filters at query time.</summary>
    public string? TenantAgencyId => tenant.AgencyId;

    public DateTime UtcNow => clock.GetUtcNow().UtcDateTime;

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
    }

    public override async Task<int> SaveChangesAsync(CancellationToken cancellationToken = default)
    {
        await AppendAuditEventsAsync(cancellationToken);
        try
        {
            return await base.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException && IsAuditChainCollision(e))
        {
            // Another writer appended to the same procedure's chain first: the same situation as a stale Version.
            throw new DbUpdateConcurrencyException("The procedure's audit chain was extended by another writer.", e);
        }
    }

    public override int SaveChanges() =>
        throw new NotSupportedException("Use SaveChangesAsync: it writes the audit trail in the same transaction.");

    private static bool IsAuditChainCollision(DbUpdateException e) =>
        e.InnerException?.Message is { } m && (m.Contains("audit_events", StringComparison.OrdinalIgnoreCase)
                                               || m.Contains("IX_audit_events_ProcedureId_Seq", StringComparison.Ordinal));

    private async Task AppendAuditEventsAsync(CancellationToken ct)
    {
        var now = UtcNow;
        foreach (var entry in ChangeTracker.Entries<Procedure>().ToList())
        {
            var procedure = entry.Entity;
            if (procedure.PendingEvents.Count == 0) continue;
            var last = ChangeTracker.Entries<AuditEvent>()
                           .Where(e => e.Entity.ProcedureId == procedure.Id)
                           .Select(e => e.Entity).OrderByDescending(e => e.Seq).FirstOrDefault();
            // A procedure being inserted has no stored events (they reference it): no need to ask the database.
            if (last is null && entry.State != EntityState.Added)
                last = await AuditEvents.IgnoreQueryFilters().Where(e => e.ProcedureId == procedure.Id)
                    .OrderByDescending(e => e.Seq).FirstOrDefaultAsync(ct);
            foreach (var pending in procedure.PendingEvents)
            {
                last = AuditEvent.Append(last, procedure.AgencyId, procedure.Id, pending.Type, pending.Actor, pending.Data, now);
                AuditEvents.Add(last);
            }
            procedure.ClearPendingEvents();
        }
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
