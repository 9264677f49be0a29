using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class SipBindingConfiguration : IEntityTypeConfiguration<SipBinding>
{
    public void Configure(EntityTypeBuilder<SipBinding> builder)
    {
        builder.Property(b => b.ContactUri).HasMaxLength(1024);
        builder.Property(b => b.ReceivedFrom).HasMaxLength(128);
        builder.Property(b => b.UserAgent).HasMaxLength(256);
        builder.Property(b => b.CallId).HasMaxLength(256);
        builder.Property(b => b.Path).HasMaxLength(1024);

        // Registrations are refreshed by contact, and routing reads an account's live bindings.
        builder.HasIndex(b => new { b.SipAccountId, b.ContactUri }).IsUnique();
        builder.HasIndex(b => b.ExpiresAt);
    }
}
