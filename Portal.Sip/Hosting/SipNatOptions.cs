namespace Portal.Sip.Hosting;

/// <summary>Phones behind NAT (<c>Sip:Nat:*</c>): keep-alives to their UDP bindings, or a short registration instead.</summary>
public sealed class SipNatOptions
{
    /// <summary>Seconds between OPTIONS keep-alives to each phone registered over UDP from behind NAT; 0 sends none.</summary>
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>The longest registration granted to such a phone (at least the registrar's minimum, 60 s); 0 grants what it asks.</summary>
    public int MaxExpiresSeconds { get; set; }
}
