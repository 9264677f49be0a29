using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages;

/// <summary>
/// Mutated torture messages (fixed seed, so failures reproduce): the parser never throws, a message it accepts
/// never throws from a typed view, and what it serialises parses again. An attacker controls every byte a
/// transport hands the parser.
/// </summary>
public sealed class SipMessageRobustnessTests
{
    private static readonly string[] Seeds = ["wsinv", "intmeth", "esc01", "longreq", "mpart01", "unreason", "regaut01", "badinv01", "quotbal"];

    private static readonly byte[] Interesting = "\r\n\t ;,:<>\"\\%@=?&/[]*0129"u8.ToArray();

    [Fact]
    public void Parse_RandomlyMutatedMessages_NeverThrowsAndAcceptedOnesStayUsable()
    {
        Random random = new(4475);
        int accepted = 0;
        foreach (string seed in Seeds)
        {
            byte[] original = TortureMessages.Load(seed);
            for (int round = 0; round < 1500; round++)
            {
                byte[] mutated = Mutate(original, random);
                SipParseResult result = SipMessageParser.Parse(mutated);
                if (!result.Succeeded)
                {
                    _ = result.CreateErrorResponse("t")?.ToBytes();
                    continue;
                }

                accepted++;
                ReadEveryView(result.Message);
                SipParseResult again = SipMessageParser.Parse(result.Message.ToBytes());
                Assert.True(again.Succeeded, $"{seed} round {round}: reserialised message refused: {again.Error}");
            }
        }

        Assert.True(accepted > 1000, $"only {accepted} mutations parsed; the mutations are too destructive to test views");
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        List<byte> bytes = [.. original];
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            byte value = random.Next(3) == 0 ? (byte)random.Next(256) : Interesting[random.Next(Interesting.Length)];
            switch (random.Next(3))
            {
                case 0:
                    bytes[at] = value;
                    break;
                case 1:
                    bytes.Insert(at, value);
                    break;
                default:
                    bytes.RemoveAt(at);
                    break;
            }
        }

        return [.. bytes];
    }

    private static void ReadEveryView(SipMessage message)
    {
        _ = message.Vias.Select(v => v.ToString()).ToList();
        _ = message.From?.ToString();
        _ = message.To?.ToString();
        _ = message.CallId;
        _ = message.CSeq?.ToString();
        _ = message.MaxForwards;
        _ = message.Contacts.Select(c => (c.ToString(), c.Expires, c.Q)).ToList();
        _ = message.Routes.Count + message.RecordRoutes.Count;
        _ = message.ContentType?.ToString();
        _ = message.Expires;
        _ = message.Authorizations.Count + message.ProxyAuthorizations.Count;
        _ = message.WwwAuthenticate.Count + message.ProxyAuthenticate.Count;
        _ = message.ReferTo?.ToString() + message.ReferredBy?.ToString() + message.Replaces?.ToString() + message.Event?.ToString();
        _ = message.Allow.Count + message.Supported.Count + message.Require.Count + message.ProxyRequire.Count + message.Unsupported.Count;
        _ = message.Validate();
        if (message is SipRequest request)
        {
            _ = request.Uri.ToString();
            _ = request.CreateResponse(SipStatusCodes.Ok, toTag: "t").ToBytes();
        }
    }
}
