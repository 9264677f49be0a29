using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class CallManagerKeyConfiguration : IEntityTypeConfiguration<CallManagerKey>
{
    public void Configure(EntityTypeBuilder<CallManagerKey> builder)
    {
        builder.Property(k => k.Name).HasMaxLength(64);
        builder.Property(k => k.Prefix).HasMaxLength(16);
        builder.Property(k => k.SecretHash).HasMaxLength(64).IsFixedLength();

        builder.HasIndex(k => k.Prefix).IsUnique();
        builder.HasIndex(k => k.OwnerId);
        builder.HasOne(k => k.Owner).WithMany().HasForeignKey(k => k.OwnerId).OnDelete(DeleteBehavior.Cascade);
    }
}
