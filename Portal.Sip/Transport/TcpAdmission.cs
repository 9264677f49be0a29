using System.Net;

using Microsoft.Extensions.Logging;

namespace Portal.Sip.Transport;

/// <summary>
/// Bounds the TCP connections peers can make the service hold (DESIGN §10): so many per source address and so
/// many in all, counted from accept to close. A refusal is logged once per address and minute, in a line
/// fail2ban can match (<c>Refused a TCP connection from &lt;address&gt;</c>), so a flood cannot flood the log.
/// </summary>
internal sealed class TcpAdmission(SipTransportOptions options, TimeProvider time, ILogger logger)
{
    private const int MaxRemembered = 10_000;
    private static readonly TimeSpan LogWindow = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _open = [];
    private readonly Dictionary<IPAddress, long> _loggedAt = [];
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

            if (!FirstInWindow(address))
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

    /// <summary>True when no refusal of this address was logged within the window; remembers this one.</summary>
    private bool FirstInWindow(IPAddress address)
    {
        long now = time.GetTimestamp();
        if (_loggedAt.TryGetValue(address, out long at) && time.GetElapsedTime(at, now) < LogWindow)
        {
            return false;
        }

        if (_loggedAt.Count >= MaxRemembered)
        {
            foreach ((IPAddress old, long when) in _loggedAt)
            {
                if (time.GetElapsedTime(when, now) >= LogWindow)
                {
                    _loggedAt.Remove(old);
                }
            }

            if (_loggedAt.Count >= MaxRemembered)
            {
                // Refusals from this many addresses in one minute: the table stays bounded, the line is dropped.
                return false;
            }
        }

        _loggedAt[address] = now;
        return true;
    }
}
