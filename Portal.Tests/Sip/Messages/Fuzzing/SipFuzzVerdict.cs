namespace Portal.Tests.Sip.Messages.Fuzzing;

/// <summary>The outcome of one fuzz input: parsed (with how many typed views refused it), refused, or a failure.</summary>
internal readonly record struct SipFuzzVerdict(bool IsParsed, int RefusedViews, string? Failure)
{
    public static SipFuzzVerdict Refused => new(false, 0, null);

    public static SipFuzzVerdict Parsed(int refusedViews) => new(true, refusedViews, null);

    public static SipFuzzVerdict Failed(string failure) => new(false, 0, failure);
}
