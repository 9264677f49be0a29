namespace Portal.Data.Entities;

/// <summary>A registered contact of a SIP account (RFC 3261 §10).</summary>
public sealed class SipBinding
{
    public int Id { get; set; }

    public int SipAccountId { get; set; }

    public SipAccount? SipAccount { get; set; }

    public required string ContactUri { get; set; }

    /// <summary>Where the REGISTER came from, as <c>transport:ip:port</c>, so requests reach phones behind NAT.</summary>
    public required string ReceivedFrom { get; set; }

    public string? UserAgent { get; set; }

    public DateTime ExpiresAt { get; set; }

    public required string CallId { get; set; }

    public int CSeq { get; set; }

    /// <summary>
    /// When keep-alives to this phone behind NAT went unanswered: the binding is no longer rung, and the SIP accounts
    /// page says so, until the phone registers again or the binding expires.
    /// </summary>
    public DateTime? UnreachableSince { get; set; }

    /// <summary>The REGISTER's Path (RFC 3327), comma-separated: the route requests to this contact take; null without one.</summary>
    public string? Path { get; set; }
}
