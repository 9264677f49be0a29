using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Portal.Sip.Tracing;

/// <summary>
/// Writes traced messages as a pcap file (the libpcap format, Ethernet link type) that Wireshark, tshark and sngrep
/// open: each message in one synthetic Ethernet/IP/UDP packet between the addresses and ports it really went between,
/// stamped with the time it was received or sent. Messages that went over TCP are written as UDP too, so each is one
/// packet whatever its size; a message too large for one UDP datagram (over 65,507 bytes) is cut to fit.
/// </summary>
public static class SipPcap
{
    public const string ContentType = "application/vnd.tcpdump.pcap";

    private const uint Magic = 0xa1b2c3d4;
    private const int LinkTypeEthernet = 1;
    private const int SnapLength = 262_144;
    private const int EthernetLength = 14;
    private const int Ipv4Length = 20;
    private const int Ipv6Length = 40;
    private const int UdpLength = 8;
    private const byte Udp = 17;

    // Locally administered addresses: the service, and every peer.
    private static readonly byte[] ServiceMac = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
    private static readonly byte[] PeerMac = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];

    public static byte[] ToBytes(IReadOnlyList<SipTraceMessage> messages)
    {
        using MemoryStream output = new();
        Write(output, messages);
        return output.ToArray();
    }

    public static void Write(Stream output, IReadOnlyList<SipTraceMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(messages);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], SnapLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], LinkTypeEthernet);
        output.Write(header);
        foreach (SipTraceMessage message in messages)
        {
            output.Write(Packet(message, ServiceAddress(messages, message.Local)));
        }
    }

    /// <summary>
    /// The service's address for a message: the one it went from or to, unless the socket was bound to every
    /// address (then the message does not say); then one seen on another message, else loopback.
    /// </summary>
    private static IPAddress ServiceAddress(IReadOnlyList<SipTraceMessage> messages, IPEndPoint local)
    {
        if (!IsUnspecified(local.Address))
        {
            return local.Address;
        }

        foreach (SipTraceMessage other in messages)
        {
            if (!IsUnspecified(other.Local.Address) && other.Local.AddressFamily == local.AddressFamily)
            {
                return other.Local.Address;
            }
        }

        return local.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
    }

    private static bool IsUnspecified(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static byte[] Packet(SipTraceMessage message, IPAddress service)
    {
        bool sent = message.Direction == SipTraceDirection.Sent;
        IPAddress peer = message.Remote.Address;
        bool v4 = service.AddressFamily == AddressFamily.InterNetwork && peer.AddressFamily == AddressFamily.InterNetwork;
        (IPAddress source, IPAddress destination) = sent ? (service, peer) : (peer, service);
        if (!v4)
        {
            (source, destination) = (source.MapToIPv6(), destination.MapToIPv6());
        }

        (int sourcePort, int destinationPort) = sent ? (message.Local.Port, message.Remote.Port) : (message.Remote.Port, message.Local.Port);
        int ipLength = v4 ? Ipv4Length : Ipv6Length;
        int payloadLength = Math.Min(message.Bytes.Length, ushort.MaxValue - UdpLength - (v4 ? Ipv4Length : 0));
        int frameLength = EthernetLength + ipLength + UdpLength + payloadLength;

        byte[] packet = new byte[16 + frameLength];
        long microseconds = (message.At.ToUniversalTime() - DateTimeOffset.UnixEpoch).Ticks / 10;
        BinaryPrimitives.WriteUInt32LittleEndian(packet, (uint)(microseconds / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(4), (uint)(microseconds % 1_000_000));
        BinaryPrimitives.WriteInt32LittleEndian(packet.AsSpan(8), frameLength);
        BinaryPrimitives.WriteInt32LittleEndian(packet.AsSpan(12), frameLength);

        Span<byte> frame = packet.AsSpan(16);
        (sent ? PeerMac : ServiceMac).CopyTo(frame);
        (sent ? ServiceMac : PeerMac).CopyTo(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], v4 ? (ushort)0x0800 : (ushort)0x86DD);

        Span<byte> ip = frame[EthernetLength..];
        Span<byte> udp = ip[ipLength..];
        int udpLength = UdpLength + payloadLength;
        if (v4)
        {
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(Ipv4Length + udpLength));
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)message.Sequence);
            BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x4000); // don't fragment
            ip[8] = 64;
            ip[9] = Udp;
            source.TryWriteBytes(ip[12..16], out _);
            destination.TryWriteBytes(ip[16..20], out _);
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip[..Ipv4Length], 0));
        }
        else
        {
            ip[0] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)udpLength);
            ip[6] = Udp;
            ip[7] = 64;
            source.TryWriteBytes(ip[8..24], out _);
            destination.TryWriteBytes(ip[24..40], out _);
        }

        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], (ushort)destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udpLength);
        message.Bytes.AsSpan(0, payloadLength).CopyTo(udp[UdpLength..]);
        if (!v4)
        {
            // RFC 8200 §8.1: over IPv6 the UDP checksum is not optional; it covers a pseudo-header and the datagram.
            uint pseudo = Sum(ip[8..40], 0) + (uint)udpLength + Udp;
            ushort checksum = Checksum(udp[..udpLength], pseudo);
            BinaryPrimitives.WriteUInt16BigEndian(udp[6..], checksum == 0 ? (ushort)0xffff : checksum);
        }

        return packet;
    }

    /// <summary>The Internet checksum (RFC 1071) of <paramref name="data"/> with <paramref name="sum"/> added.</summary>
    private static ushort Checksum(ReadOnlySpan<byte> data, uint sum)
    {
        sum = Sum(data, sum);
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    private static uint Sum(ReadOnlySpan<byte> data, uint sum)
    {
        for (int i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
            if ((sum & 0x8000_0000) != 0)
            {
                sum = (sum & 0xffff) + (sum >> 16);
            }
        }

        if (data.Length % 2 == 1)
        {
            sum += (uint)data[^1] << 8;
        }

        return sum;
    }
}
