using Portal.Sip.Messages;

namespace Portal.Tests.Sip.Messages.Fuzzing;

/// <summary>
/// What must hold for any input the parser is handed (an attacker controls every byte): parsing returns a message
/// or a refusal and never throws; a refusal's answer is itself a valid message; every typed view the service reads
/// throws nothing but <see cref="SipFormatException"/>; and an accepted message re-serialises stably — serialise,
/// parse, serialise gives the same bytes, with the same start line, headers and body. Shared by the parser fuzz
/// test and <c>bench/Portal.Sip.Fuzz</c>.
/// </summary>
internal static class SipParserOracle
{
    private static readonly SipParseError MalformedVia = new(400, "Bad Request - Malformed Via header");

    /// <summary>Checks one input; the verdict says whether it parsed, and what broke if anything did.</summary>
    public static SipFuzzVerdict Check(byte[] input)
    {
        if (Guard("framing", () => CheckFraming(input)) is { } framingFailure)
        {
            return SipFuzzVerdict.Failed(framingFailure);
        }

        SipParseResult result;
        try
        {
            result = SipMessageParser.Parse(input);
        }
        catch (Exception e)
        {
            return SipFuzzVerdict.Failed("Parse threw " + Describe(e));
        }

        return result.Succeeded ? CheckAccepted(result.Message) : CheckRefused(result);
    }

    /// <summary>A stream framer fed the input in pieces finds the same first frame as one given it whole.</summary>
    private static void CheckFraming(byte[] input)
    {
        SipFrame whole = SipMessageFramer.Find(input);
        Require(whole.Length <= input.Length, $"a frame of {whole.Length} bytes in {input.Length}");
        SipMessageFramer framer = new();
        SipFrame pieces = SipFrame.NeedMoreData;
        for (int end = Math.Min(input.Length, 1 + (input.Length / 3)); pieces.Status == SipFrameStatus.NeedMoreData; end = Math.Min(input.Length, end * 2))
        {
            pieces = framer.Next(input.AsSpan(0, end));
            if (end == input.Length)
            {
                break;
            }
        }

        Require(pieces == whole, $"framed in pieces as {pieces}, whole as {whole}");
    }

    private static SipFuzzVerdict CheckRefused(SipParseResult result)
    {
        string? failure = Guard("the refusal", () =>
        {
            if (result.CreateErrorResponse("t") is { } answer)
            {
                // Only well-formed headers are echoed, so the answer may lack From or To; it must still parse. Via is
                // echoed as sent (the answer goes back by it), so a request's malformed Via stays malformed.
                SipParseResult parsed = SipMessageParser.Parse(answer.ToBytes());
                Require(
                    parsed.Succeeded || parsed.Error == MalformedVia,
                    $"the {answer.StatusCode} answer does not parse: {parsed.Error}");
            }
        });
        return failure is null ? SipFuzzVerdict.Refused : SipFuzzVerdict.Failed(failure);
    }

    private static SipFuzzVerdict CheckAccepted(SipMessage message)
    {
        string? failure = Guard("serialising", () =>
        {
            byte[] first = message.ToBytes();
            SipMessage again = Reparse(first);
            RequireSame(message, again);
            Require(first.AsSpan().SequenceEqual(again.ToBytes()), "serialise → parse → serialise changed the bytes");
        });
        if (failure is not null)
        {
            return SipFuzzVerdict.Failed(failure);
        }

        int refusedViews = 0;
        foreach ((string name, Action<SipMessage> read) in SipMessageViews.All)
        {
            try
            {
                read(message);
            }
            catch (SipFormatException)
            {
                refusedViews++;
            }
            catch (Exception e)
            {
                return SipFuzzVerdict.Failed($"{name} threw {Describe(e)}");
            }
        }

        // Reading views caches them and turns values into text; what is written then must still round-trip.
        failure = Guard("serialising after reading the views", () => RequireSame(message, Reparse(message.ToBytes())));
        return failure is null ? SipFuzzVerdict.Parsed(refusedViews) : SipFuzzVerdict.Failed(failure);
    }

    private static SipMessage Reparse(byte[] bytes)
    {
        SipParseResult parsed = SipMessageParser.Parse(bytes);
        Require(parsed.Succeeded, $"the re-serialised message was refused: {parsed.Error}");
        return parsed.Message!;
    }

    private static void RequireSame(SipMessage expected, SipMessage actual)
    {
        switch (expected, actual)
        {
            case (SipRequest a, SipRequest b):
                Require(a.Method.Name == b.Method.Name, $"method {a.Method.Name} became {b.Method.Name}");
                Require(a.Uri.ToString() == b.Uri.ToString(), $"Request-URI {a.Uri} became {b.Uri}");
                break;
            case (SipResponse a, SipResponse b):
                Require(a.StatusCode == b.StatusCode && a.ReasonPhrase == b.ReasonPhrase, $"status line {a.StatusCode} {a.ReasonPhrase} became {b.StatusCode} {b.ReasonPhrase}");
                break;
            default:
                Require(false, $"a {expected.GetType().Name} came back as a {actual.GetType().Name}");
                break;
        }

        SipHeader[] before = [.. expected.Headers.Where(h => h.Name != SipHeaderNames.ContentLength)];
        SipHeader[] after = [.. actual.Headers.Where(h => h.Name != SipHeaderNames.ContentLength)];
        Require(before.Length == after.Length, $"{before.Length} header lines became {after.Length}");
        for (int i = 0; i < before.Length; i++)
        {
            Require(before[i] == after[i], $"header '{before[i]}' became '{after[i]}'");
        }

        Require(expected.Body.Span.SequenceEqual(actual.Body.Span), $"the body of {expected.Body.Length} bytes became {actual.Body.Length} bytes");
    }

    private static string? Guard(string step, Action check)
    {
        try
        {
            check();
            return null;
        }
        catch (OracleFailure e)
        {
            return e.Message;
        }
        catch (Exception e)
        {
            return $"{step} threw {Describe(e)}";
        }
    }

    private static void Require(bool condition, string failure)
    {
        if (!condition)
        {
            throw new OracleFailure(failure);
        }
    }

    private static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message} at {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}";

    private sealed class OracleFailure(string message) : Exception(message);
}
