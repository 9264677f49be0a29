namespace Portal.Sip.Tracing;

/// <summary>Something that happened to a traced call that is no SIP message, such as a transfer asked for over HTTP.</summary>
/// <param name="Sequence">Its place among the call's messages and notes.</param>
public sealed record CallTraceNote(long Sequence, DateTimeOffset At, string Text);
