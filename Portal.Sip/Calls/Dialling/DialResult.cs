namespace Portal.Sip.Calls.Dialling;

/// <summary>How a <c>sys.Dial</c> (or one group of it) ended: answered, cancelled by the caller, or failed with a status.</summary>
internal sealed record DialResult(bool IsAnswered, bool IsCancelled, int Status, string Reason)
{
    public static DialResult Answered { get; } = new(true, false, 200, "OK");

    public static DialResult Cancelled { get; } = new(false, true, 487, "Request Terminated");

    public static DialResult Failed(int status, string reason) => new(false, false, status, reason);
}
