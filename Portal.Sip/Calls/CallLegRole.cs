namespace Portal.Sip.Calls;

/// <summary>Which side of the B2BUA a leg is on.</summary>
public enum CallLegRole
{
    /// <summary>The leg to the caller: the caller's INVITE, answered by this service as UAS.</summary>
    Caller,

    /// <summary>A leg this service placed as UAC to a destination of the dial string.</summary>
    Callee,

    /// <summary>A leg this service placed as UAC for a blind transfer, to the destination of the <c>transfer</c> dialplan.</summary>
    Transfer,
}
