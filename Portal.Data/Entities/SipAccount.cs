namespace Portal.Data.Entities;

/// <summary>
/// A SIP identity that phones register and authenticate as. The password is never stored: only the
/// RFC 3261 §22.4 / RFC 8760 digest HA1 values for the service's realm.
/// </summary>
public sealed class SipAccount
{
    /// <summary>SIP user part, unique across the service because it is addressed as <c>user@domain</c>.</summary>
    public const string UsernamePattern = "^[a-z0-9][a-z0-9._-]{1,31}$";

    public int Id { get; set; }

    public required string OwnerId { get; set; }

    public PortalUser? Owner { get; set; }

    public required string Username { get; set; }

    /// <summary>Hex MD5(username:realm:password).</summary>
    public required string Ha1Md5 { get; set; }

    /// <summary>Hex SHA-256(username:realm:password).</summary>
    public required string Ha1Sha256 { get; set; }

    /// <summary>The realm the HA1 values were computed for; a realm change needs the password set again.</summary>
    public required string Realm { get; set; }

    public string? OutDialplanName { get; set; }

    public string? InDialplanName { get; set; }

    public bool IsDisabled { get; set; }

    public bool IsIncomingOnly { get; set; }

    /// <summary>
    /// Whether the other parties of this account's calls (an anonymous caller, a dialled number) may transfer the
    /// call with REFER; off by default, since their transfer is dialled at the owner's cost (DESIGN §10).
    /// </summary>
    public bool CallersMayTransfer { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<SipBinding> Bindings { get; set; } = [];
}
