namespace Portal.Services;

/// <summary>
/// The action cannot be done now, for a reason that is no one's input: the node that holds a call is gone or did
/// not answer (DESIGN §11). The message says which and what to do.
/// </summary>
public sealed class PortalUnavailableException(string message) : Exception(message);
