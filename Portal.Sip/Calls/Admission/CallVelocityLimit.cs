namespace Portal.Sip.Calls.Admission;

/// <summary>The velocity limit a new call would pass (DESIGN §10): which window, its limit, and the calls already in it.</summary>
/// <param name="Window"><see cref="Hourly"/> or <see cref="Daily"/>.</param>
/// <param name="Limit">The calls allowed in the window.</param>
/// <param name="Count">The calls started in the window.</param>
internal sealed record CallVelocityLimit(string Window, int Limit, int Count)
{
    public const string Hourly = "hourly";
    public const string Daily = "daily";

    /// <summary>The reason phrase of the 403.</summary>
    public string Reason => $"Forbidden - {Window} call limit reached";

    /// <summary>For the audit log and the Home page.</summary>
    public string Detail => $"{Window} call limit reached: {Count} calls in the last {(Window == Hourly ? "hour" : "day")}, the limit is {Limit}";
}
