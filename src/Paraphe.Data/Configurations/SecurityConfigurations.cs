using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paraphe.Data.Records;
using Paraphe.Domain.Agencies;

namespace Paraphe.Data.Configurations;

internal sealed class AgentSessionConfiguration : IEntityTypeConfiguration<AgentSession>
{
    public void Configure(EntityTypeBuilder<AgentSession> e)
    {
        e.ToTable("agent_sessions");
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.RevokedReason).HasMaxLength(40);
        e.Property(x => x.Ip).HasMaxLength(64);
        e.Property(x => x.UserAgent).HasMaxLength(400);
        e.Property(x => x.KioskProcedureId).HasMaxLength(40);
        e.HasIndex(x => new { x.UserId, x.RevokedAt });
        e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId);
    }
}

internal sealed class SecurityEventConfiguration : IEntityTypeConfiguration<SecurityEvent>
{
    public void Configure(EntityTypeBuilder<SecurityEvent> e)
    {
        e.ToTable("security_events");
        e.Property(x => x.Kind).HasMaxLength(40);
        e.Property(x => x.Email).HasMaxLength(320);
        e.Property(x => x.Ip).HasMaxLength(64);
        e.Property(x => x.Client).HasMaxLength(64);
        e.Property(x => x.UserAgent).HasMaxLength(400);
        e.Property(x => x.Detail).HasMaxLength(400);
        e.Property(x => x.Actor).HasMaxLength(60);
        // The login throttle counts recent failures per email and per address.
        e.HasIndex(x => new { x.Email, x.Kind, x.At });
        e.HasIndex(x => new { x.Client, x.Kind, x.At });
        e.HasIndex(x => new { x.AgencyId, x.At });
    }
}

internal sealed class AccountTokenConfiguration : IEntityTypeConfiguration<AccountToken>
{
    public void Configure(EntityTypeBuilder<AccountToken> e)
    {
        e.ToTable("account_tokens");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AgencyId).HasMaxLength(40);
        e.Property(x => x.UserId).HasMaxLength(40);
        e.Property(x => x.Kind).HasMaxLength(20);
        e.Property(x => x.Hash).HasMaxLength(64);
        e.Property(x => x.NotificationId).HasMaxLength(40);
        e.HasIndex(x => x.Hash).IsUnique();
        e.HasIndex(x => x.NotificationId);
        e.HasIndex(x => new { x.UserId, x.Kind, x.CreatedAt });
        e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId);
    }
}

internal sealed class DataProtectionKeyConfiguration
    : IEntityTypeConfiguration<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> e) =>
        e.ToTable("data_protection_keys");
}
