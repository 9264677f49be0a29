namespace Portal.Cluster;

/// <summary>
/// <c>Cluster:*</c>: this node's name and the Redis server the nodes of one service share (DESIGN §11). Without
/// <see cref="Redis"/> the node is alone and nothing changes.
/// </summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";
    public const int MaxNodeIdLength = 64;

    /// <summary>This node's name among the others; by default the machine's.</summary>
    public string NodeId { get; set; } = Environment.MachineName;

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>redis:6379,password=…</c>; empty on a single node.</summary>
    public string? Redis { get; set; }

    /// <summary>
    /// How long a node waits for the node that holds a call to answer a forwarded hang-up or transfer (a
    /// <c>blindtransfer</c> with <c>wait=</c> waits that much longer).
    /// </summary>
    public int CallRequestTimeoutSeconds { get; set; } = 5;

    public TimeSpan CallRequestTimeout => TimeSpan.FromSeconds(CallRequestTimeoutSeconds);

    public bool HasRedis => !string.IsNullOrWhiteSpace(Redis);
}
