using BenchmarkDotNet.Attributes;

using Portal.Sip.Messages;

namespace Portal.Sip.Benchmarks;

/// <summary>
/// Parse and serialise the shared 768-byte INVITE with SDP (DESIGN §9), so the figure compares with other stacks
/// measured on the same message. Parsing copies the input, as a transport with a reused receive buffer would.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private readonly byte[] _invite = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "invite.sip"));

    [Benchmark]
    public byte[] ParseAndSerialize()
    {
        SipParseResult result = SipMessageParser.Parse(_invite.AsSpan());
        return result.Message!.ToBytes();
    }

    [Benchmark]
    public string? ParseAndReadDialogHeaders()
    {
        SipMessage message = SipMessageParser.Parse(_invite.AsSpan()).Message!;
        return message.TopVia!.Branch + message.From!.Tag + message.CallId + message.CSeq!.Number;
    }
}
