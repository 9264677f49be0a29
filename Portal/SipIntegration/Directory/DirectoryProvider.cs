using Portal.Sip.Calls.Dialling;

namespace Portal.SipIntegration.Directory;

/// <summary>
/// A provider as the directory keeps it: the password stays protected until a call needs it; <see cref="Incoming"/>
/// is what an incoming call from it needs (its token, dialplan and the owner's limits).
/// </summary>
internal sealed record DirectoryProvider(string OwnerId, string Name, string ServerUri, string? AuthUsername, string? PasswordProtected,
    string? FromUser, string? FromHost, IncomingProvider? Incoming);
