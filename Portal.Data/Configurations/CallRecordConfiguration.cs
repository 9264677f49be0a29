using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class CallRecordConfiguration : IEntityTypeConfiguration<CallRecord>
{
    public void Configure(EntityTypeBuilder<CallRecord> builder)
    {
        builder.Property(c => c.CallerCallId).HasMaxLength(256);
        builder.Property(c => c.CalleeCallId).HasMaxLength(256);
        builder.Property(c => c.Direction).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.From).HasMaxLength(256);
        builder.Property(c => c.To).HasMaxLength(256);
        builder.Property(c => c.DialplanName).HasMaxLength(32);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.HangupReason).HasMaxLength(256);
        builder.Property(c => c.TransferredTo).HasMaxLength(256);
        builder.Property(c => c.NodeId).HasMaxLength(64);

        // History pages filter an owner's calls by date; the start-up sweep finds calls still open.
        builder.HasIndex(c => new { c.OwnerId, c.StartedAt });
        builder.HasIndex(c => c.Status);
        builder.HasOne(c => c.Owner).WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Cascade);
    }
}
