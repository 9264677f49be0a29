namespace Portal.Sip.Messages;

/// <summary>What <see cref="SipMessageFramer.Next"/> found at the start of a stream buffer.</summary>
public enum SipFrameStatus
{
    /// <summary>Not enough bytes yet for a whole message: read more and try again.</summary>
    NeedMoreData,

    /// <summary>A whole message of <see cref="SipFrame.Length"/> bytes, ready for the parser.</summary>
    Message,

    /// <summary>A keep-alive (RFC 5626 §3.5.1): a CRLFCRLF ping (answer with CRLF) or a CRLF pong; skip it.</summary>
    KeepAlive,

    /// <summary>The stream cannot be framed (bad Content-Length, oversized message): close the connection.</summary>
    Invalid,
}
