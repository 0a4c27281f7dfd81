using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paraphe.Data.Records;
using Paraphe.Domain.Procedures;

namespace Paraphe.Data.Configurations;

/// <summary>Its own table, not a column of `signers`: every load of a procedure reads its signers, never these bytes.</summary>
internal sealed class SignatureFormConfiguration : IEntityTypeConfiguration<SignatureFormRecord>
{
    public void Configure(EntityTypeBuilder<SignatureFormRecord> e)
    {
        e.ToTable("signature_forms");
        e.HasKey(x => x.SignerId);
        e.Property(x => x.SignerId).HasMaxLength(40);
        e.Property(x => x.ProcedureId).HasMaxLength(40);
        e.Property(x => x.AgencyId).HasMaxLength(40);
        e.HasIndex(x => x.ProcedureId);
        e.HasOne<Signer>().WithOne().HasForeignKey<SignatureFormRecord>(x => x.SignerId).OnDelete(DeleteBehavior.Cascade);
    }
}
