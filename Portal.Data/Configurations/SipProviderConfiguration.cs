using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class SipProviderConfiguration : IEntityTypeConfiguration<SipProvider>
{
    public void Configure(EntityTypeBuilder<SipProvider> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(32);
        builder.Property(p => p.ServerUri).HasMaxLength(255);
        builder.Property(p => p.AuthUsername).HasMaxLength(128);
        builder.Property(p => p.PasswordProtected).HasMaxLength(1024);
        builder.Property(p => p.FromUser).HasMaxLength(128);
        builder.Property(p => p.FromHost).HasMaxLength(255);
        builder.Property(p => p.RegistrationState).HasConversion<string>().HasMaxLength(24);
        builder.Property(p => p.RegistrationError).HasMaxLength(255);
        builder.Property(p => p.ContactToken).HasMaxLength(32);
        builder.Property(p => p.InDialplanName).HasMaxLength(32);

        builder.HasIndex(p => new { p.OwnerId, p.Name }).IsUnique();
        builder.HasIndex(p => p.ContactToken).IsUnique();
        builder.HasOne(p => p.Owner).WithMany().HasForeignKey(p => p.OwnerId).OnDelete(DeleteBehavior.Cascade);
    }
}
