using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Alerts;
using Paraphe.Domain.Procedures;

namespace Paraphe.Data.Configurations;

internal sealed class UserAlertConfiguration : IEntityTypeConfiguration<UserAlert>
{
    public void Configure(EntityTypeBuilder<UserAlert> e)
    {
        e.ToTable("user_alerts");
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AgencyId).HasMaxLength(40);
        e.Property(x => x.UserId).HasMaxLength(40);
        e.Property(x => x.ProcedureId).HasMaxLength(40);
        e.Property(x => x.SignerId).HasMaxLength(40);
        e.Property(x => x.NotificationId).HasMaxLength(40);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(30);
        e.Property(x => x.Title).HasMaxLength(200);
        e.Property(x => x.SignerName).HasMaxLength(210);
        e.Property(x => x.Detail).HasMaxLength(1000);
        e.HasIndex(x => new { x.UserId, x.CreatedAt });
        e.HasIndex(x => new { x.ProcedureId, x.Kind });
        e.HasIndex(x => x.NotificationId);
        e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId);
        e.HasOne<Procedure>().WithMany().HasForeignKey(x => x.ProcedureId);
    }
}

internal sealed class AlertPreferencesConfiguration : IEntityTypeConfiguration<AlertPreferences>
{
    public void Configure(EntityTypeBuilder<AlertPreferences> e)
    {
        e.ToTable("alert_preferences");
        e.HasKey(x => x.UserId);
        e.Property(x => x.UserId).HasMaxLength(40);
        e.Property(x => x.AgencyId).HasMaxLength(40);
        e.HasOne<User>().WithOne().HasForeignKey<AlertPreferences>(x => x.UserId);
    }
}
