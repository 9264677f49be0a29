using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class DialplanConfiguration : IEntityTypeConfiguration<Dialplan>
{
    public void Configure(EntityTypeBuilder<Dialplan> builder)
    {
        builder.Property(d => d.Name).HasMaxLength(32);
        builder.Property(d => d.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.Source).HasMaxLength(65536);

        // Each call loads the owner's dialplan by name.
        builder.HasIndex(d => new { d.OwnerId, d.Name }).IsUnique();
        builder.HasOne(d => d.Owner).WithMany().HasForeignKey(d => d.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(d => d.History).WithOne(v => v.Dialplan).HasForeignKey(v => v.DialplanId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
