using System.Text;

using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages;

public sealed class SipMessageFramerTests
{
    private static readonly byte[] Invite = TortureMessages.ParseMessage("mpart01").ToBytes();

    [Fact]
    public void Find_WholeMessage_ReturnsItsLength()
    {
        Assert.Equal(new SipFrame(SipFrameStatus.Message, Invite.Length), SipMessageFramer.Find(Invite));
    }

    [Fact]
    public void Find_StreamSplitAtEveryByte_FramesBothMessagesIntact()
    {
        byte[] second = TortureMessages.ParseMessage("wsinv").ToBytes();
        byte[] stream = [.. Invite, .. "\r\n\r\n"u8, .. second];

        for (int split = 0; split <= stream.Length; split++)
        {
            List<byte[]> messages = [];
            int keepAlives = 0;
            List<byte> buffer = [];
            foreach (byte[] chunk in (byte[][])[stream[..split], stream[split..]])
            {
                buffer.AddRange(chunk);
                while (true)
                {
                    SipFrame frame = SipMessageFramer.Find(buffer.ToArray());
                    if (frame.Status == SipFrameStatus.NeedMoreData)
                    {
                        break;
                    }

                    Assert.NotEqual(SipFrameStatus.Invalid, frame.Status);
                    if (frame.Status == SipFrameStatus.Message)
                    {
                        messages.Add(buffer.Take(frame.Length).ToArray());
                    }
                    else
                    {
                        keepAlives++;
                    }

                    buffer.RemoveRange(0, frame.Length);
                }
            }

            Assert.Empty(buffer);
            Assert.Equal(2, messages.Count);
            Assert.Equal(Invite, messages[0]);
            Assert.Equal(second, messages[1]);
            Assert.InRange(keepAlives, 1, 2);
        }
    }

    [Fact]
    public void Find_EveryPrefixOfAMessage_NeedsMoreData()
    {
        for (int length = 0; length < Invite.Length; length++)
        {
            Assert.Equal(SipFrameStatus.NeedMoreData, SipMessageFramer.Find(Invite.AsSpan(0, length)).Status);
        }
    }

    [Fact]
    public void Find_Ping_IsAKeepAliveToAnswer()
    {
        SipFrame frame = SipMessageFramer.Find("\r\n\r\nINVITE"u8);

        Assert.Equal(new SipFrame(SipFrameStatus.KeepAlive, 4), frame);
        Assert.True(frame.IsPing);
        Assert.False(SipMessageFramer.Find("\r\nSIP/2.0"u8).IsPing);
    }

    [Fact]
    public void Find_CompactContentLength_IsHonoured()
    {
        byte[] data = Encoding.ASCII.GetBytes("MESSAGE sip:a@example.com SIP/2.0\r\nl : 5\r\n\r\nhello+next");

        Assert.Equal(new SipFrame(SipFrameStatus.Message, data.Length - 5), SipMessageFramer.Find(data));
    }

    [Fact]
    public void Find_FoldedContentLength_IsHonoured()
    {
        byte[] data = Encoding.ASCII.GetBytes("MESSAGE sip:a@example.com SIP/2.0\r\nContent-Length:\r\n   3\r\n\r\nabc");

        Assert.Equal(new SipFrame(SipFrameStatus.Message, data.Length), SipMessageFramer.Find(data));
        Assert.Equal(3, SipMessageParser.Parse(data).Message!.Body.Length);
    }

    [Fact]
    public void Find_NoContentLength_AssumesNoBody()
    {
        byte[] data = Encoding.ASCII.GetBytes("OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: x\r\n\r\nOPTIONS");

        Assert.Equal(new SipFrame(SipFrameStatus.Message, data.Length - 7), SipMessageFramer.Find(data));
    }

    [Theory]
    [InlineData("Content-Length: -1\r\n", "Malformed Content-Length")]
    [InlineData("Content-Length: ten\r\n", "Malformed Content-Length")]
    [InlineData("Content-Length: 1\r\nl: 2\r\n", "Conflicting Content-Length values")]
    [InlineData("Content-Length: 70000\r\n", "Message too large")]
    [InlineData("Content-Length: 99999999999999999999\r\n", "Message too large")]
    public void Find_UnframeableStream_IsInvalid(string header, string error)
    {
        byte[] data = Encoding.ASCII.GetBytes("OPTIONS sip:a@example.com SIP/2.0\r\n" + header + "\r\n");

        Assert.Equal(new SipFrame(SipFrameStatus.Invalid, 0, error), SipMessageFramer.Find(data));
    }

    [Fact]
    public void Find_HeadersNeverEndingPast64KiB_IsRefusedAsOversized()
    {
        byte[] data = Encoding.ASCII.GetBytes("OPTIONS sip:a@example.com SIP/2.0\r\nX-Padding: " + new string('a', SipMessageParser.MaxMessageSize));

        Assert.Equal(new SipFrame(SipFrameStatus.Invalid, 0, "Message too large"), SipMessageFramer.Find(data));
        Assert.Equal(SipFrameStatus.NeedMoreData, SipMessageFramer.Find(data.AsSpan(0, 60_000)).Status);
    }

    [Fact]
    public void Find_MessageOfExactlyTheLimit_IsAccepted()
    {
        string head = "MESSAGE sip:a@example.com SIP/2.0\r\nContent-Length: 00000\r\n\r\n";
        int bodyLength = SipMessageParser.MaxMessageSize - head.Length;
        byte[] data = [.. Encoding.ASCII.GetBytes(head.Replace("00000", bodyLength.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)), .. new byte[bodyLength]];

        Assert.Equal(new SipFrame(SipFrameStatus.Message, SipMessageParser.MaxMessageSize), SipMessageFramer.Find(data));
    }
}
