namespace Portal.Sip.Limits;

/// <summary>
/// <c>Sip:Limits</c>: the bounds on what unauthenticated and failing traffic may cost (DESIGN §10). The defaults
/// suit a small operator on a public address; none needs touching for a team of phones behind one router.
/// </summary>
public sealed class SipLimitOptions
{
    /// <summary>Requests one source address may send per second before it is banned (Kamailio's pike). 0 turns it off.</summary>
    public int RequestsPerSecondPerAddress { get; set; } = 300;

    /// <summary>How long a flooding address is ignored.</summary>
    public int FloodBanSeconds { get; set; } = 60;

    /// <summary>Comma-separated CIDRs never counted as flooding: a Kamailio in front, a provider's trunk.</summary>
    public string FloodExemptNetworks { get; set; } = "";

    /// <summary>Failed digest answers from one address, within the window, before it is refused outright.</summary>
    public int AuthFailuresPerAddress { get; set; } = 20;

    /// <summary>
    /// Failed digest answers for one user name, from anywhere, within the window, before that name is refused from
    /// addresses it has not authenticated from lately; slows a guess spread over many addresses.
    /// </summary>
    public int AuthFailuresPerAccount { get; set; } = 10;

    /// <summary>The window the failure counts are kept for, and how long a block lasts.</summary>
    public int AuthFailureWindowSeconds { get; set; } = 300;

    /// <summary>
    /// Accept digest answers without <c>qop</c> (RFC 2069 style) from old devices. Off by default: such an answer
    /// carries no nonce count, so a sniffed one could be replayed for the nonce's lifetime.
    /// </summary>
    public bool AllowDigestWithoutQop { get; set; }

    /// <summary>Entries each per-address or per-name table keeps at most; the least recently seen make room.</summary>
    public int TableEntries { get; set; } = 100_000;

    public TimeSpan AuthFailureWindow => TimeSpan.FromSeconds(Math.Clamp(AuthFailureWindowSeconds, 10, 86_400));

    public TimeSpan FloodBan => TimeSpan.FromSeconds(Math.Clamp(FloodBanSeconds, 1, 86_400));

    public int TableCapacity => Math.Clamp(TableEntries, 100, 10_000_000);
}
