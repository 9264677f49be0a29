using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class DialplanVersionConfiguration : IEntityTypeConfiguration<DialplanVersion>
{
    public void Configure(EntityTypeBuilder<DialplanVersion> builder)
    {
        builder.Property(v => v.Source).HasMaxLength(65536);
        builder.Property(v => v.SavedBy).HasMaxLength(64);
        builder.HasIndex(v => new { v.DialplanId, v.Version }).IsUnique();
    }
}
