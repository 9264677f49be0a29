using System.Net;

using Portal.Sip.Messages;

namespace Portal.Sip.Transport;

/// <summary>
/// The top-Via rules of the transport: what a server writes into a request it receives (RFC 3261 §18.2.1,
/// RFC 3581 §4) and where the response to it is sent (RFC 3261 §18.2.2, RFC 3581 §4).
/// </summary>
internal static class ViaRouting
{
    /// <summary>The port a Via without one implies (RFC 3261 §18.2.2, §19.1.2).</summary>
    public const int DefaultPort = 5060;

    /// <summary>
    /// Adds <c>received</c> with the source address when the sent-by host differs from it (RFC 3261 §18.2.1), and
    /// fills an empty <c>rport</c> with the source port, in which case <c>received</c> is added even when the
    /// addresses agree (RFC 3581 §4). Other Via values on the same header line are kept as they are.
    /// With <paramref name="symmetric"/> (UDP) the source port is stamped even without <c>rport</c>, so every
    /// response goes back where its request came from, as phones behind NAT need ("force rport", as Asterisk and
    /// Kamailio deployments do by default).
    /// </summary>
    public static void StampSource(SipRequest request, IPEndPoint source, bool symmetric)
    {
        SipHeaders headers = request.Headers;
        int index = headers.IndexOf(SipHeaderNames.Via, 0);
        if (index < 0)
        {
            return;
        }

        List<string> values = SipSyntax.SplitList(headers.GetValue(index));
        if (values.Count == 0 || !ViaHeader.TryParse(values[0], out ViaHeader? via))
        {
            return;
        }

        IPAddress address = source.Address.IsIPv4MappedToIPv6 ? source.Address.MapToIPv4() : source.Address;
        string received = address.ToString();
        ViaHeader stamped = via;
        if ((via.HasRport || symmetric) && via.Rport is null)
        {
            stamped = via.WithRport(source.Port).WithReceived(received);
        }
        else if (!IsAddress(via.Host, address) && via.Received != received)
        {
            stamped = via.WithReceived(received);
        }

        if (ReferenceEquals(stamped, via))
        {
            return;
        }

        values[0] = stamped.ToString();
        headers.RemoveAt(index);
        if (values.Count == 1)
        {
            // The usual case, one Via on the line: the stamped view is what reading the line back would parse.
            headers.InsertParsed(index, SipHeaderNames.Via, values[0], new[] { stamped });
        }
        else
        {
            headers.Insert(index, SipHeaderNames.Via, string.Join(", ", values));
        }
    }

    /// <summary>
    /// Where a response goes when it cannot reuse the connection its request came on: over UDP to
    /// <c>received</c>:<c>rport</c> (RFC 3581 §4), else <c>received</c> and the sent-by port, else sent-by (RFC 3261
    /// §18.2.2); over TCP to <c>received</c> (or sent-by) and the sent-by port. A sent-by host name that was never
    /// stamped with <c>received</c> falls back to <paramref name="source"/>, the request's source, since no DNS
    /// lookup (RFC 3263 §5) is done here. <c>maddr</c> (multicast) is not supported.
    /// </summary>
    public static IPEndPoint ResponseTarget(SipResponse response, IPEndPoint source, bool reliable)
    {
        ViaHeader? via = response.TopVia;
        if (via is null)
        {
            return source;
        }

        int port = (reliable ? null : via.Rport) ?? via.Port ?? DefaultPort;
        string host = via.Received ?? via.Host;
        return TryParseAddress(host, out IPAddress? address) ? new IPEndPoint(address, port) : source;
    }

    private static bool IsAddress(string host, IPAddress address) =>
        TryParseAddress(host, out IPAddress? parsed) && parsed.Equals(address);

    private static bool TryParseAddress(string host, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address) =>
        IPAddress.TryParse(host.AsSpan().Trim('[').TrimEnd(']'), out address);
}
