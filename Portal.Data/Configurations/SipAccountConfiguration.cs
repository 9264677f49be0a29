using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class SipAccountConfiguration : IEntityTypeConfiguration<SipAccount>
{
    public void Configure(EntityTypeBuilder<SipAccount> builder)
    {
        builder.Property(a => a.Username).HasMaxLength(32);
        builder.Property(a => a.Ha1Md5).HasMaxLength(32).IsFixedLength();
        builder.Property(a => a.Ha1Sha256).HasMaxLength(64).IsFixedLength();
        builder.Property(a => a.Realm).HasMaxLength(255);
        builder.Property(a => a.OutDialplanName).HasMaxLength(32);
        builder.Property(a => a.InDialplanName).HasMaxLength(32);

        // Every REGISTER and INVITE looks an account up by its SIP user name.
        builder.HasIndex(a => a.Username).IsUnique();
        builder.HasIndex(a => a.OwnerId);
        builder.HasOne(a => a.Owner).WithMany().HasForeignKey(a => a.OwnerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(a => a.Bindings).WithOne(b => b.SipAccount).HasForeignKey(b => b.SipAccountId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
