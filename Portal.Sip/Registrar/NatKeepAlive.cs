using Microsoft.Extensions.Logging;
using Portal.Sip.Auth;
using Portal.Sip.Dialogs;
using Portal.Sip.Messages;
using Portal.Sip.Transactions;
using Portal.Sip.Transport;

namespace Portal.Sip.Registrar;

/// <summary>
/// Keeps the NAT mappings of phones behind NAT open and finds the ones that went away, as Kamailio's nathelper
/// pings do: every <see cref="Interval"/>, an OPTIONS to each unexpired UDP binding whose Contact differs from its
/// source, sent to that source. Any answer, even an error, shows the path works; a keep-alive whose transaction
/// times out (timer F, RFC 3261 §17.1.2.2, after its retransmissions) marks the binding unreachable through the
/// registrar: it is no longer rung, and the SIP accounts page says so. TCP bindings need none: the phone keeps
/// its connection (RFC 5626 CRLF keep-alives) and the connection carries the calls.
/// </summary>
public sealed partial class NatKeepAlive(
    SipTransactionLayer layer,
    SipLocalAddress addresses,
    string domain,
    SipRegistrar registrar,
    ISipBindingStore store,
    TimeProvider time,
    ILogger logger,
    TimeSpan interval)
{
    public TimeSpan Interval => interval;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            // Not awaited: a round waits up to 32 s for unanswered keep-alives, and must not hold up the next.
            _ = RoundAsync(cancellationToken);
        }
    }

    private async Task RoundAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PingAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRoundFailed(logger, ex);
        }
    }

    /// <summary>One round: pings every NATed UDP binding and waits for the answers; returns how many were marked unreachable.</summary>
    public async Task<int> PingAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var due = (await store.ListUnexpiredAsync(now, cancellationToken))
            .Where(b => b.Binding.UnreachableSince is null && b.Binding.IsBehindNat
                && SipEndPoint.TryParse(b.Binding.ReceivedFrom, out var flow) && flow.Protocol == SipTransportProtocol.Udp)
            .ToList();
        var lost = await Task.WhenAll(due.Select(b => PingAsync(b.AccountId, b.Binding, cancellationToken)));
        return lost.Count(l => l);
    }

    private async Task<bool> PingAsync(int accountId, SipBindingRecord binding, CancellationToken cancellationToken)
    {
        try
        {
            var flow = SipEndPoint.Parse(binding.ReceivedFrom);
            var response = await layer.SendRequest(Options(binding, flow), flow).Completion.WaitAsync(cancellationToken);

            // The transaction layer's own 408 (timer F) or 503 (transport error) carries no To tag; a phone's does.
            if (response.To?.Tag is not null || response.StatusCode is not (SipStatusCodes.RequestTimeout or SipStatusCodes.ServiceUnavailable))
            {
                return false;
            }

            if (await registrar.MarkUnreachableAsync(accountId, binding, cancellationToken))
            {
                LogUnreachable(logger, binding.ContactUri, binding.ReceivedFrom);
                return true;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPingFailed(logger, ex, binding.ReceivedFrom);
        }

        return false;
    }

    private SipRequest Options(SipBindingRecord binding, SipEndPoint flow)
    {
        var request = new SipRequest(SipMethod.Options, SipUri.Parse(binding.ContactUri));
        request.Headers.Add(SipHeaderNames.Via, addresses.NewVia(flow).ToString());
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, $"<sip:keepalive@{domain}>;tag={SipTags.NewTag()}");
        request.Headers.Add(SipHeaderNames.To, $"<{binding.ContactUri}>");
        request.Headers.Add(SipHeaderNames.CallId, $"{SipTags.NewTag()}@portal");
        request.Headers.Add(SipHeaderNames.CSeq, "1 OPTIONS");
        return request;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registration {Contact} via {Flow} is unreachable: its NAT keep-alive went unanswered")]
    private static partial void LogUnreachable(ILogger logger, string contact, string flow);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NAT keep-alive to {Flow} failed")]
    private static partial void LogPingFailed(ILogger logger, Exception exception, string flow);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A NAT keep-alive round failed; trying again at the next")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
