using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Audit;
using Paraphe.Domain.Contacts;
using Paraphe.Domain.Documents;
using Paraphe.Domain.Notifications;
using Paraphe.Domain.Procedures;

namespace Paraphe.Data.Configurations;

internal sealed class AgencyConfiguration : IEntityTypeConfiguration<Agency>
{
    public void Configure(EntityTypeBuilder<Agency> e)
    {
        e.ToTable("agencies");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.SmsSender).HasMaxLength(11);
        e.Property(x => x.Address).HasMaxLength(Agency.AddressMax);
        e.Property(x => x.ProfessionalCard).HasMaxLength(Agency.ProfessionalCardMax);
    }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> e)
    {
        e.ToTable("users");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AgencyId).HasMaxLength(40);
        e.Property(x => x.Email).HasMaxLength(254);
        e.HasIndex(x => x.Email).IsUnique();
        e.HasOne<Agency>().WithMany().HasForeignKey(x => x.AgencyId);
        e.Ignore(x => x.DisplayName);
        e.Ignore(x => x.IsActive);
    }
}

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> e)
    {
        e.ToTable("contacts");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AgencyId).HasMaxLength(40);
        e.Property(x => x.Email).HasMaxLength(254);
        e.Property(x => x.Mobile).HasMaxLength(40);
        e.Property(x => x.SearchKey).HasMaxLength(ContactSearch.KeyMaxLength).HasDefaultValue("");
        e.HasIndex(x => new { x.AgencyId, x.LastName });
        e.HasOne<Agency>().WithMany().HasForeignKey(x => x.AgencyId);
        e.Ignore(x => x.DisplayName);
    }
}

internal sealed class DocumentConfiguration : IEntityTypeConfiguration<Document>
{
    public void Configure(EntityTypeBuilder<Document> e)
    {
        e.ToTable("documents");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AgencyId).HasMaxLength(40);
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.HasOne<Agency>().WithMany().HasForeignKey(x => x.AgencyId);
    }
}

internal sealed class ProcedureConfiguration : IEntityTypeConfiguration<Procedure>
{
    public void Configure(EntityTypeBuilder<Procedure> e)
    {
        e.ToTable("procedures");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AgencyId).HasMaxLength(40);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasIndex(x => new { x.AgencyId, x.Status, x.CreatedAt });
        e.HasIndex(x => new { x.AgencyId, x.CreatedAt, x.Id }); // the list's order within the agency: a page is an index range, not a sort
        e.HasIndex(x => new { x.Status, x.ExpiresAt });
        e.HasOne<Agency>().WithMany().HasForeignKey(x => x.AgencyId);
        e.HasOne<Document>().WithMany().HasForeignKey(x => x.DocumentId).OnDelete(DeleteBehavior.Restrict);
        e.HasMany(x => x.Signers).WithOne().HasForeignKey(s => s.ProcedureId);
        e.Navigation(x => x.Signers).UsePropertyAccessMode(PropertyAccessMode.Field).AutoInclude();
        e.Ignore(x => x.PendingEvents);
        e.Ignore(x => x.IsDraft);
        e.Ignore(x => x.IsFinished);
        e.Ignore(x => x.AwaitsSeal);
        e.Ignore(x => x.IsSealed);
        e.Property(x => x.SealedSha256).HasMaxLength(64);
        e.Property(x => x.SigningOrder).HasConversion<string>().HasMaxLength(20);
        e.Ignore(x => x.IsSequential);
        e.Ignore(x => x.CurrentSigner);
        // Kept current by Features/Procedures/AttentionTracker from the diagnosis; the list filters on it without messages.
        e.Property<bool>(ProcedureAttention.Column);
        e.HasIndex(nameof(Procedure.AgencyId), ProcedureAttention.Column);
        e.Property(x => x.AgentUserId).HasMaxLength(40);
        e.Property(x => x.Message).HasMaxLength(500);
    }
}

/// <summary>The shadow column that says a procedure needs the agent (« À corriger »).</summary>
public static class ProcedureAttention
{
    public const string Column = "NeedsAttention";
}

internal sealed class SignerConfiguration : IEntityTypeConfiguration<Signer>
{
    public void Configure(EntityTypeBuilder<Signer> e)
    {
        e.ToTable("signers");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.TokenHash).HasMaxLength(64);
        e.HasIndex(x => x.TokenHash).IsUnique();
        e.OwnsOne(x => x.Field, f =>
        {
            f.Property(p => p.Page).HasColumnName("field_page");
            f.Property(p => p.X).HasColumnName("field_x");
            f.Property(p => p.Y).HasColumnName("field_y");
            f.Property(p => p.Width).HasColumnName("field_width");
            f.Property(p => p.Height).HasColumnName("field_height");
        });
        e.Ignore(x => x.DisplayName);
        e.Ignore(x => x.NextManualReminderAt);
        e.Ignore(x => x.LatestCode);
        e.Ignore(x => x.OtpSends);
        e.Ignore(x => x.OtpWrongEntries);
        e.HasMany(x => x.Codes).WithOne().HasForeignKey(c => c.SignerId);
        e.Navigation(x => x.Codes).UsePropertyAccessMode(PropertyAccessMode.Field).AutoInclude();
    }
}

internal sealed class OneTimeCodeConfiguration : IEntityTypeConfiguration<OneTimeCode>
{
    public void Configure(EntityTypeBuilder<OneTimeCode> e)
    {
        e.ToTable("one_time_codes");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.SignerId).HasMaxLength(40);
        e.Property(x => x.NotificationId).HasMaxLength(40);
        e.Property(x => x.CodeHash).HasMaxLength(64);
        // Two requests at once cannot both issue code n: one of them fails instead of sending a fourth SMS.
        e.HasIndex(x => new { x.SignerId, x.Number }).IsUnique();
        e.Ignore(x => x.AttemptsLeft);
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> e)
    {
        e.ToTable("notifications");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AgencyId).HasMaxLength(40);
        e.Property(x => x.To).HasMaxLength(254);
        // Two dispatchers claiming the same message: the second one's update matches no row and gives up.
        e.Property(x => x.UpdatedAt).IsConcurrencyToken();
        e.HasIndex(x => new { x.Status, x.NextAttemptAt });
        e.HasIndex(x => x.ProcedureId);
        e.HasIndex(x => x.ProviderMessageId);
        e.HasOne<Procedure>().WithMany().HasForeignKey(x => x.ProcedureId);
        e.HasMany(x => x.Events).WithOne().HasForeignKey(x => x.NotificationId);
        e.Navigation(x => x.Events).UsePropertyAccessMode(PropertyAccessMode.Field);
        e.Ignore(x => x.IsFinal);
        e.Ignore(x => x.PendingEvents);
    }
}

internal sealed class NotificationEventConfiguration : IEntityTypeConfiguration<NotificationEvent>
{
    public void Configure(EntityTypeBuilder<NotificationEvent> e) => e.ToTable("notification_events");
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> e)
    {
        e.ToTable("audit_events");
        // Two writers appending to one chain collide here instead of forking it.
        e.HasIndex(x => new { x.ProcedureId, x.Seq }).IsUnique();
        e.Property(x => x.Hash).HasMaxLength(64);
        e.Property(x => x.PrevHash).HasMaxLength(64);
        e.HasOne<Procedure>().WithMany().HasForeignKey(x => x.ProcedureId);
    }
}
