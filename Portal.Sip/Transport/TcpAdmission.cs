using System.Net;

using Microsoft.Extensions.Logging;

using Portal.Sip.Limits;

namespace Portal.Sip.Transport;

/// <summary>
/// Bounds the TCP connections peers can make the service hold (DESIGN §10): so many per source address and so
/// many in all, counted from accept to close. A refusal is logged once per address and minute, in a line
/// fail2ban can match (<c>Refused a TCP connection from &lt;address&gt;</c>), so a flood cannot flood the log.
/// </summary>
internal sealed class TcpAdmission(SipTransportOptions options, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan LogWindow = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _open = [];
    private readonly OncePerWindow<IPAddress> _logged = new(time, LogWindow);
    private int _total;

    /// <summary>Takes a slot for a connection from <paramref name="address"/>; false (and logged) when none is free.</summary>
    public bool TryAdmit(IPAddress address)
    {
        string reason;
        lock (_lock)
        {
            _open.TryGetValue(address, out int fromAddress);
            if (_total >= options.MaxTcpConnections)
            {
                reason = $"the service already holds {_total} connections, its limit";
            }
            else if (fromAddress >= options.MaxTcpConnectionsPerAddress)
            {
                reason = $"the address already holds {fromAddress} connections, the limit per address";
            }
            else
            {
                _open[address] = fromAddress + 1;
                _total++;
                return true;
            }

            if (!_logged.ShouldReport(address))
            {
                return false;
            }
        }

        TransportLog.ConnectionRefused(logger, address, reason, (int)LogWindow.TotalSeconds);
        return false;
    }

    /// <summary>Frees the slot of a connection from <paramref name="address"/> that has closed.</summary>
    public void Release(IPAddress address)
    {
        lock (_lock)
        {
            if (!_open.TryGetValue(address, out int fromAddress))
            {
                return;
            }

            _total--;
            if (fromAddress <= 1)
            {
                _open.Remove(address);
            }
            else
            {
                _open[address] = fromAddress - 1;
            }
        }
    }
}
