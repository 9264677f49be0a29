using StackExchange.Redis;

namespace Portal.Cluster;

/// <summary>
/// Where the nodes meet in Redis for calls (DESIGN §11): every key and channel is named here, so a reader of
/// <c>redis-cli monitor</c> finds them. Keys that describe a node's calls expire unless that node refreshes them, so
/// a node that dies leaves nothing behind for long.
/// </summary>
public static class ClusterKeys
{
    /// <summary>A node's heartbeat: present while the node runs (<see cref="HeartbeatTtl"/>, refreshed every <see cref="HeartbeatInterval"/>).</summary>
    public static RedisKey Node(string nodeId) => $"portal:node:{nodeId}";

    /// <summary>The set of node ids that ever joined; a member without a heartbeat is gone.</summary>
    public static readonly RedisKey Nodes = "portal:nodes";

    /// <summary>A node's calls in progress: a hash of call id → call snapshot (JSON), for nodes that join later.</summary>
    public static RedisKey Calls(string nodeId) => $"portal:calls:{nodeId}";

    /// <summary>The node that holds a call, by the call's id in this service (the portal's Calls page).</summary>
    public static RedisKey Call(string callId) => $"portal:call:{callId}";

    /// <summary>
    /// The nodes holding a call of <paramref name="ownerId"/> with a leg whose SIP Call-ID, From user (the
    /// <c>[fu=]</c> token) or To user is <paramref name="legIdentifier"/>: what <c>blindtransfer?callid=</c> names.
    /// </summary>
    public static RedisKey Leg(string ownerId, string legIdentifier) => $"portal:call-leg:{ownerId}:{legIdentifier}";

    /// <summary>The node that runs a transfer, by transfer id (<c>/callmanager/transfers/{id}</c>).</summary>
    public static RedisKey Transfer(string transferId) => $"portal:transfer:{transferId}";

    /// <summary>Every node's call events, each naming its node.</summary>
    public static readonly RedisChannel CallEvents = RedisChannel.Literal("portal:call-events");

    /// <summary>Call control requests for a node (hang-up, transfer, a transfer's state).</summary>
    public static RedisChannel Requests(string nodeId) => RedisChannel.Literal($"portal:node:{nodeId}:requests");

    /// <summary>Replies to the call control requests a node sent.</summary>
    public static RedisChannel Replies(string nodeId) => RedisChannel.Literal($"portal:node:{nodeId}:replies");

    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan HeartbeatTtl = TimeSpan.FromSeconds(15);

    /// <summary>How long a call's keys outlive their last refresh (refreshed every <see cref="CallRefreshInterval"/>).</summary>
    public static readonly TimeSpan CallTtl = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan CallRefreshInterval = TimeSpan.FromSeconds(20);

    /// <summary>A transfer is kept 15 minutes after it ends (CallTransfers); its owner's key a little longer.</summary>
    public static readonly TimeSpan TransferTtl = TimeSpan.FromMinutes(20);
}
