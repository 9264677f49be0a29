using Microsoft.Extensions.Logging;

using Portal.Sip.Messages;

namespace Portal.Sip.Transport;

/// <summary>
/// What every transport does with the bytes of one datagram or stream frame (RFC 3261 §18.2.1, §18.1.2): parse
/// and check them, refuse a bad request with the parser's answer (400 naming the problem, 505 for another
/// version), drop a bad response, stamp the top Via of a good request, and hand the message up.
/// </summary>
internal sealed class MessageIntake(Func<SipMessage, SipEndPoint, SipEndPoint, ValueTask> onMessage, ILogger logger, ISipMessageObserver? observer = null)
{
    /// <summary>
    /// Handles one message; returns the refusal to send back to <paramref name="remote"/> when it was a request
    /// that could not be accepted but can be answered. <paramref name="data"/> is copied before the first await.
    /// </summary>
    public async ValueTask<SipResponse?> ReceiveAsync(ReadOnlyMemory<byte> data, SipEndPoint remote, SipEndPoint local)
    {
        SipMessage? message = Accept(data.Span, remote, out SipResponse? refusal);
        if (message is null)
        {
            return refusal;
        }

        observer?.Received(message, data.Span, remote, local);
        try
        {
            await onMessage(message, remote, local);
        }
        catch (Exception e)
        {
            // One peer's message that trips the layer above must not stop the receive loop.
            TransportLog.HandlerFailed(logger, remote, e);
        }

        return null;
    }

    /// <summary>
    /// The answer to a stream frame that cannot be framed (RFC 3261 §18.3): 513 for one over the size limit,
    /// 400 for a bad Content-Length, when the header lines read so far are a request with a Via; else null.
    /// </summary>
    public SipResponse? RefuseFrame(ReadOnlySpan<byte> buffered, SipFrame frame, int maxMessageSize, SipEndPoint remote)
    {
        int headerEnd = FindHeaderEnd(buffered);
        ReadOnlySpan<byte> head = headerEnd < 0
            ? buffered[..Math.Min(buffered.Length, SipMessageParser.MaxMessageSize)]
            : buffered[..headerEnd];
        SipParseResult result = SipMessageParser.Parse(head);
        bool tooLarge = headerEnd < 0
            || (long.TryParse(result.Headers.GetFirst(SipHeaderNames.ContentLength), out long length) && headerEnd + length > maxMessageSize);
        (int status, string reason) = tooLarge
            ? (SipStatusCodes.MessageTooLarge, SipStatusCodes.GetReasonPhrase(SipStatusCodes.MessageTooLarge))
            : (SipStatusCodes.BadRequest, "Bad Request - " + (frame.Error ?? "Unframeable message"));
        TransportLog.Refused(logger, remote, status, reason);
        return result.IsRequest && result.Method != SipMethod.Ack && result.Headers.Contains(SipHeaderNames.Via)
            ? SipResponse.Create(result.Headers, status, reason, LocalTag.New())
            : null;
    }

    private SipMessage? Accept(ReadOnlySpan<byte> data, SipEndPoint remote, out SipResponse? refusal)
    {
        refusal = null;
        SipParseResult result = SipMessageParser.Parse(data);
        SipParseError? error = result.Succeeded ? result.Message.Validate() : result.Error;
        if (error is null && result.Message is SipRequest request)
        {
            ViaRouting.StampSource(request, remote.EndPoint, symmetric: !remote.IsReliable);
            return request;
        }

        if (error is null)
        {
            return result.Message;
        }

        if (!result.IsRequest)
        {
            TransportLog.Dropped(logger, remote, error);
            return null;
        }

        refusal = result.Succeeded
            ? AnswerInvalid(result.Message, error)
            : result.CreateErrorResponse(LocalTag.New());
        if (refusal is null)
        {
            TransportLog.Dropped(logger, remote, error);
        }
        else
        {
            TransportLog.Refused(logger, remote, refusal.StatusCode, refusal.ReasonPhrase);
        }

        return null;
    }

    /// <summary>A parsed request that <see cref="SipMessage.Validate"/> refused: answered like a parse error.</summary>
    private static SipResponse? AnswerInvalid(SipMessage message, SipParseError error) =>
        message is SipRequest request && request.Method != SipMethod.Ack && message.Headers.Contains(SipHeaderNames.Via)
            ? SipResponse.Create(message.Headers, error.StatusCode, error.ReasonPhrase, LocalTag.New())
            : null;

    /// <summary>Index just past the empty line ending the header section, or -1 when it has not arrived.</summary>
    private static int FindHeaderEnd(ReadOnlySpan<byte> buffer)
    {
        int crlf = buffer.IndexOf("\r\n\r\n"u8);
        int lf = buffer.IndexOf("\n\n"u8);
        if (crlf < 0)
        {
            return lf < 0 ? -1 : lf + 2;
        }

        return lf < 0 ? crlf + 4 : Math.Min(crlf + 4, lf + 2);
    }
}
