using Portal.Sip.Messages;

namespace Portal.Sip.Calls.Dialling;

/// <summary>How to place a call through one of an owner's providers: its server and credentials (never logged).</summary>
public sealed record ProviderDialInfo(string Name, SipUri Server, string? AuthUsername, string? Password, string? FromUser, string? FromHost)
{
    public override string ToString() => $"provider {Name} ({Server})";
}
