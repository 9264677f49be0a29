namespace Portal.Api;

/// <summary>Rate limits of the call manager API (DESIGN §7), <c>CallManager:RateLimit</c>. Zero or less turns a limit off.</summary>
public sealed class CallManagerRateLimitOptions
{
    public const string SectionName = "CallManager:RateLimit";

    /// <summary>Requests to <c>/callmanager/*</c> per source address per minute, authenticated or not.</summary>
    public int PerAddressPerMinute { get; set; } = 120;

    /// <summary>Transfer requests per user per minute, counted once the key is verified.</summary>
    public int PerUserPerMinute { get; set; } = 60;
}
