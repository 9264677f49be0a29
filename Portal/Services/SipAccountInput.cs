namespace Portal.Services;

/// <summary>What a user may set on a SIP account. <see cref="Password"/> is required on create, optional on edit.</summary>
public sealed class SipAccountInput
{
    public string Username { get; set; } = "";

    public string? Password { get; set; }

    public string? OutDialplanName { get; set; }

    public string? InDialplanName { get; set; }

    public bool IsDisabled { get; set; }

    public bool IsIncomingOnly { get; set; }

    /// <summary>The other parties of this account's calls may transfer them with REFER (DESIGN §10); off by default.</summary>
    public bool CallersMayTransfer { get; set; }
}
