namespace Portal.Sip.Messages;

/// <summary>
/// One step of stream framing: the status, how many bytes it covers (the message, or the keep-alive), and for
/// <see cref="SipFrameStatus.Invalid"/> why.
/// </summary>
public readonly record struct SipFrame(SipFrameStatus Status, int Length, string? Error = null)
{
    public static SipFrame NeedMoreData => new(SipFrameStatus.NeedMoreData, 0);

    /// <summary>True for a CRLFCRLF ping, which the receiver answers with a single CRLF (RFC 5626 §4.4.1).</summary>
    public bool IsPing => Status == SipFrameStatus.KeepAlive && Length == 4;
}
