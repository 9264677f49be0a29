using System.Net;

namespace Portal.Sip.Limits;

/// <summary>A ban that just started.</summary>
/// <param name="Kind"><c>flood</c> (an address over the request rate), <c>auth-address</c> or <c>auth-account</c> (too many failed digest answers).</param>
/// <param name="Address">The source address, or for <c>auth-account</c> the address of the last failure.</param>
/// <param name="Username">For <c>auth-account</c>, the blocked user name as a log line may show it; else null.</param>
/// <param name="Duration">How long the ban lasts.</param>
/// <param name="Reason">What crossed which limit, for people.</param>
public sealed record SipBan(string Kind, IPAddress Address, string? Username, TimeSpan Duration, string Reason)
{
    public const string Flood = "flood";
    public const string AuthAddress = "auth-address";
    public const string AuthAccount = "auth-account";

    /// <summary>For <c>auth-account</c>, the name exactly as phones send it, so other nodes block the same one (<see cref="ISharedBans"/>).</summary>
    public string? Account { get; init; }
}
