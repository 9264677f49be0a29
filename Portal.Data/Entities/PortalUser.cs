using Microsoft.AspNetCore.Identity;

namespace Portal.Data.Entities;

/// <summary>A person who signs in to the portal and owns SIP accounts, providers, dialplans and keys.</summary>
public sealed class PortalUser : IdentityUser
{
    /// <summary>Short account name used in URLs and the call manager API: <c>[a-z0-9._-]{3,32}</c>.</summary>
    public const string UserNamePattern = "^[a-z0-9][a-z0-9._-]{2,31}$";

    public bool IsSuspended { get; set; }

    public string? SuspendedReason { get; set; }

    public DateTime? SuspendedAt { get; set; }

    /// <summary>Cap on this owner's concurrent calls; null means the service-wide default.</summary>
    public int? MaxConcurrentCalls { get; set; }

    /// <summary>Cap on the calls this owner's configuration starts per hour; null means the service-wide default, 0 unlimited.</summary>
    public int? MaxCallsPerHour { get; set; }

    /// <summary>Cap on the calls this owner's configuration starts per day; null means the service-wide default, 0 unlimited.</summary>
    public int? MaxCallsPerDay { get; set; }

    public DateTime CreatedAt { get; set; }
}
