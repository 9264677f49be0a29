namespace Portal.Observability;

/// <summary><c>Metrics:*</c>: whether <c>/metrics</c> is served, and to whom.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Loopback only: a Prometheus on the same machine, or one reaching it through a tunnel or proxy there.</summary>
    public const string DefaultAllowedNetworks = "127.0.0.0/8,::1/128";

    /// <summary>Collect metrics and serve them at <c>/metrics</c>; off, nothing is collected and the path is not found.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Comma-separated CIDRs whose connections may read <c>/metrics</c>; others get 403. <c>none</c>: nobody.</summary>
    public string AllowedNetworks { get; set; } = DefaultAllowedNetworks;
}
