namespace Portal.SipIntegration.Directory;

/// <summary>A provider as the directory keeps it: the password stays protected until a call needs it.</summary>
internal sealed record DirectoryProvider(string OwnerId, string Name, string ServerUri, string? AuthUsername, string? PasswordProtected,
    string? FromUser, string? FromHost);
