namespace Portal.Sip.Hosting;

/// <summary>The <c>Sip:DirectDial</c> section: the admin policy for legs to hosts that are neither local nor a provider (DESIGN §10).</summary>
public sealed class DirectDialOptions
{
    /// <summary>Whether direct legs are allowed at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Comma-separated CIDRs a direct leg may not reach after its host is resolved; <c>none</c>, or <c>default</c> for the built-in list.</summary>
    public string? DeniedNetworks { get; set; }
}
