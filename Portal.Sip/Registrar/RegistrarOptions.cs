namespace Portal.Sip.Registrar;

/// <summary>Registration limits (DESIGN §5).</summary>
public sealed record RegistrarOptions
{
    public int MinExpires { get; init; } = 60;

    public int MaxExpires { get; init; } = 3600;

    public int DefaultExpires { get; init; } = 3600;

    public int MaxBindingsPerAccount { get; init; } = 10;
}
