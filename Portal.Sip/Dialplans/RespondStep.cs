namespace Portal.Sip.Dialplans;

/// <summary><c>sys.Respond(code, "reason")</c>: answer the caller with a final response (300–699) and stop.</summary>
/// <param name="Code">The SIP status code, 300–699.</param>
/// <param name="Reason">The reason phrase, free of control characters so it is safe in a status line.</param>
public sealed record RespondStep(int Code, string Reason) : DialplanStep;
