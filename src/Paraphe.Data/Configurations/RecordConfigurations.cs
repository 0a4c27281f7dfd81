using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paraphe.Data.Records;
using Paraphe.Domain.Agencies;
using Paraphe.Domain.Documents;

namespace Paraphe.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> e)
    {
        e.ToTable("api_keys");
        e.HasIndex(x => x.Hash).IsUnique();
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.CreatedBy).HasMaxLength(60);
        e.HasOne<Agency>().WithMany().HasForeignKey(x => x.AgencyId);
    }
}

internal sealed class DocumentContentConfiguration : IEntityTypeConfiguration<DocumentContent>
{
    public void Configure(EntityTypeBuilder<DocumentContent> e)
    {
        e.ToTable("document_contents");
        e.HasKey(x => x.DocumentId);
        e.Property(x => x.StorageKey).HasMaxLength(300);
        e.HasOne<Document>().WithOne().HasForeignKey<DocumentContent>(x => x.DocumentId);
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> e)
    {
        e.ToTable("idempotency_records");
        e.HasIndex(x => new { x.AgencyId, x.Key }).IsUnique();
        e.Property(x => x.Key).HasMaxLength(200);
        e.Property(x => x.Owner).HasMaxLength(40).IsConcurrencyToken();
    }
}

internal sealed class CapturedMessageConfiguration : IEntityTypeConfiguration<CapturedMessage>
{
    public void Configure(EntityTypeBuilder<CapturedMessage> e)
    {
        e.ToTable("captured_messages");
        e.HasIndex(x => x.At);
    }
}

internal sealed class SealedDocumentConfiguration : IEntityTypeConfiguration<SealedDocument>
{
    public void Configure(EntityTypeBuilder<SealedDocument> e)
    {
        e.ToTable("sealed_documents");
        e.HasKey(x => x.ProcedureId);
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.HasIndex(x => x.Sha256);
        e.Property(x => x.SealSignatureSha256).HasMaxLength(64);
        e.Property(x => x.StorageKey).HasMaxLength(300);
        e.HasOne<Paraphe.Domain.Procedures.Procedure>().WithOne().HasForeignKey<SealedDocument>(x => x.ProcedureId);
    }
}

internal sealed class SealingJobConfiguration : IEntityTypeConfiguration<SealingJob>
{
    public void Configure(EntityTypeBuilder<SealingJob> e)
    {
        e.ToTable("sealing_jobs");
        e.HasKey(x => x.ProcedureId);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasIndex(x => new { x.DoneAt, x.NextAttemptAt });
        e.HasOne<Paraphe.Domain.Procedures.Procedure>().WithOne().HasForeignKey<SealingJob>(x => x.ProcedureId);
    }
}
