namespace Portal.Sip.Registrar;

/// <summary>Registration limits (DESIGN §5).</summary>
public sealed record RegistrarOptions
{
    public int MinExpires { get; init; } = 60;

    public int MaxExpires { get; init; } = 3600;

    public int DefaultExpires { get; init; } = 3600;

    public int MaxBindingsPerAccount { get; init; } = 10;

    /// <summary>
    /// The longest registration granted to a phone behind NAT over UDP, so it refreshes (and so reopens its NAT
    /// mapping) that often; 0 leaves its Expires alone (keep-alives hold the mapping instead).
    /// </summary>
    public int NatMaxExpires { get; init; }
}
