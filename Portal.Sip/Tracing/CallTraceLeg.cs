namespace Portal.Sip.Tracing;

/// <summary>A leg of a traced call: its SIP Call-ID and the party at its far end (a column of the ladder).</summary>
/// <param name="CallId">The leg's SIP Call-ID.</param>
/// <param name="Role">"caller", "callee" or "transfer".</param>
/// <param name="Party">Who is at the far end, for people: the caller's From URI, the placed leg's Request-URI.</param>
public sealed record CallTraceLeg(string CallId, string Role, string Party);
