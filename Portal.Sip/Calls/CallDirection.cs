namespace Portal.Sip.Calls;

/// <summary>Whose dialplan routes the call (DESIGN §5 "Call routing").</summary>
public enum CallDirection
{
    /// <summary>An account's phone called out: its out dialplan runs.</summary>
    Outbound,

    /// <summary>Someone called an account at a hosted domain: its in dialplan runs, or its phones ring.</summary>
    Inbound,
}
