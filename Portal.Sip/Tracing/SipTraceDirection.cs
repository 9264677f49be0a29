namespace Portal.Sip.Tracing;

/// <summary>Which way a traced message went, seen from the service.</summary>
public enum SipTraceDirection
{
    /// <summary>From a peer to the service.</summary>
    Received,

    /// <summary>From the service to a peer.</summary>
    Sent,
}
