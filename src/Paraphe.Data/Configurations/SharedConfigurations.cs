using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paraphe.Data.Records;

namespace Paraphe.Data.Configurations;

internal sealed class PlatformSecretConfiguration : IEntityTypeConfiguration<PlatformSecret>
{
    public void Configure(EntityTypeBuilder<PlatformSecret> e)
    {
        e.ToTable("platform_secrets");
        e.HasKey(x => x.Name);
        e.Property(x => x.Name).HasMaxLength(60);
    }
}

internal sealed class RateLimitCounterConfiguration : IEntityTypeConfiguration<RateLimitCounter>
{
    public void Configure(EntityTypeBuilder<RateLimitCounter> e)
    {
        e.ToTable("rate_limit_counters");
        e.HasKey(x => x.Key);
        e.Property(x => x.Key).HasMaxLength(200);
        e.HasIndex(x => x.WindowEnds);
    }
}
