namespace Portal.Tests.Infrastructure;

/// <summary>
/// The sipp runs no longer abort a call on an unexpected message; these show the judge still fails a run for
/// anything but a retransmission, so the end-to-end tests keep their teeth.
/// </summary>
public sealed class SippJudgeTests : IDisposable
{
    // What sipp 3.6 wrote for an INVITE retransmitted after its 200, and an ACK repeated after the BYE.
    private const string Retransmissions =
        "The following events occurred:\n" +
        "2026-11-26\t13:10:54.328214\t1795698654.328214: Continuing call on unexpected message for Call-Id 'c2@x': while expecting 'ACK' (index 4), received 'INVITE sip:uas@127.0.0.1:45613 SIP/2.0\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:55830;branch=z9hG4bKINVITE1;rport\n" +
        "Max-Forwards: 69\n" +
        "From: \"Alice\" <sip:xfer-1@sip.example.test>;tag=aaa\n" +
        "To: <sip:uas@127.0.0.1:45613>\n" +
        "Call-ID: c2@x\n" +
        "CSeq: 1 INVITE\n" +
        "Contact: <sip:127.0.0.1:55830>\n" +
        "Content-Type: application/sdp\n" +
        "Content-Length: 109\n" +
        "\n" +
        "v=0\n" +
        "o=- 1 1 IN IP4 127.0.0.1\n" +
        "s=-\n" +
        "c=IN IP4 127.0.0.1\n" +
        "t=0 0\n" +
        "m=audio 7000 RTP/AVP 0\n" +
        "a=rtpmap:0 PCMU/8000\n" +
        "'2026-11-26\t13:10:54.629211\t1795698654.629211: Continuing call on unexpected message for Call-Id 'c2@x': while pausing (index 7), received 'ACK sip:uas@127.0.0.1:45613 SIP/2.0\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:55830;branch=z9hG4bKACK1;rport\n" +
        "Max-Forwards: 69\n" +
        "From: \"Alice\" <sip:xfer-1@sip.example.test>;tag=aaa\n" +
        "To: <sip:uas@127.0.0.1:45613>;tag=26593SIPpTag011\n" +
        "Call-ID: c2@x\n" +
        "CSeq: 1 ACK\n" +
        "Contact: <sip:127.0.0.1:55830>\n" +
        "Content-Length: 0\n" +
        "\n" +
        "'";

    private readonly string log = Path.GetTempFileName();

    public void Dispose() => File.Delete(log);

    [Fact]
    public void RetransmittedInviteAndRepeatedAck_AreNotAProblem()
    {
        File.WriteAllText(log, Retransmissions);

        Assert.Null(Sipp.UnexpectedMessages(log));
    }

    [Fact]
    public void AnyOtherUnexpectedMessage_FailsTheRun()
    {
        var unexpectedBye = Retransmissions.Replace("CSeq: 1 ACK", "CSeq: 2 BYE").Replace("'ACK sip:", "'BYE sip:");
        var cancelInstead = unexpectedBye + "2026-11-26\t13:10:55.000000\t1795698655.000000: Continuing call on unexpected message for " +
            "Call-Id 'c3@x': while expecting 'ACK' (index 4), received 'SIP/2.0 486 Busy Here\r\nCSeq: 1 INVITE\r\n\r\n'";
        File.WriteAllText(log, cancelInstead);

        var problem = Sipp.UnexpectedMessages(log);

        Assert.NotNull(problem);
        Assert.Contains("CSeq: 2 BYE", problem);
        Assert.Contains("SIP/2.0 486 Busy Here", problem);
        Assert.DoesNotContain("branch=z9hG4bKINVITE1", problem);
    }

    [Fact]
    public void NoLog_NoProblem() => Assert.Null(Sipp.UnexpectedMessages(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))));
}
