using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paraphe.Data.Records;
using Paraphe.Domain.Agencies;

namespace Paraphe.Data.Configurations;

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> e)
    {
        e.ToTable("webhook_endpoints");
        e.Property(x => x.Url).HasMaxLength(2000);
        e.Property(x => x.Events).HasMaxLength(500);
        e.Property(x => x.Description).HasMaxLength(200);
        e.Property(x => x.Secret).HasMaxLength(100);
        e.Property(x => x.PreviousSecret).HasMaxLength(100);
        e.Property(x => x.DisabledReason).HasMaxLength(500);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.Ignore(x => x.EventList);
        e.HasIndex(x => x.AgencyId);
        e.HasOne<Agency>().WithMany().HasForeignKey(x => x.AgencyId);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> e)
    {
        e.ToTable("webhook_deliveries");
        e.Property(x => x.EventId).HasMaxLength(60);
        e.Property(x => x.Type).HasMaxLength(40);
        e.Property(x => x.LastError).HasMaxLength(500);
        e.HasIndex(x => new { x.EndpointId, x.CreatedAt });
        // The worker's claim: due rows only (done and failed ones have no next attempt).
        e.HasIndex(x => x.NextAttemptAt);
        e.HasIndex(x => x.EventId);
        e.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(x => x.EndpointId).OnDelete(DeleteBehavior.Cascade);
    }
}
