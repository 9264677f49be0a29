using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;

namespace Portal.Data;

/// <summary>The portal's database: Identity plus every entity of DESIGN §4.</summary>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : IdentityDbContext<PortalUser>(options)
{
    public DbSet<SipAccount> SipAccounts => Set<SipAccount>();

    public DbSet<SipBinding> SipBindings => Set<SipBinding>();

    public DbSet<SipProvider> SipProviders => Set<SipProvider>();

    public DbSet<Dialplan> Dialplans => Set<Dialplan>();

    public DbSet<DialplanVersion> DialplanVersions => Set<DialplanVersion>();

    public DbSet<CallManagerKey> CallManagerKeys => Set<CallManagerKey>();

    public DbSet<CallRecord> CallRecords => Set<CallRecord>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        if (Database.IsNpgsql())
        {
            configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }
}
