namespace Portal.Services;

/// <summary>
/// The item does not exist or belongs to someone else; both look the same, so ids reveal nothing.
/// </summary>
public sealed class PortalNotFoundException(string what) : Exception($"{what} was not found.");
