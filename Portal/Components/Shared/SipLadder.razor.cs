using System.Globalization;
using Microsoft.AspNetCore.Components;
using Portal.Sip.Tracing;

namespace Portal.Components.Shared;

/// <summary>
/// Draws a traced call as a ladder: the caller's column on the left, the service's in the middle, one column per
/// leg placed (callees, transfer targets) to the right, and one arrow per message in the order the service saw
/// them, with non-SIP events (a transfer asked for over HTTP) as notes across. Clicking an arrow shows the message.
/// </summary>
public sealed partial class SipLadder
{
    private const int ColumnWidth = 230;
    private const int TimeWidth = 90;
    private const int HeaderHeight = 52;
    private const int RowHeight = 30;

    private List<LadderColumn> columns = [];
    private List<LadderRow> rows = [];
    private Dictionary<string, int> columnOfCallId = [];

    /// <summary>The call's messages as they are now; set it again to redraw.</summary>
    [Parameter, EditorRequired]
    public CallTraceView Trace { get; set; } = null!;

    /// <summary>The message whose text is shown; set by clicking its arrow.</summary>
    public SipTraceMessage? Selected { get; private set; }

    private int Width => TimeWidth + (columns.Count * ColumnWidth);

    private int Height => HeaderHeight + (Math.Max(rows.Count, 1) * RowHeight) + 8;

    protected override void OnParametersSet()
    {
        columnOfCallId = new Dictionary<string, int>(StringComparer.Ordinal);
        columns = [];
        var callerLeg = Trace.Legs.FirstOrDefault(l => l.Role == "caller");
        columns.Add(new LadderColumn("caller", callerLeg is null ? "caller" : $"caller {callerLeg.Party}", AddressOf(callerLeg)));
        if (callerLeg is not null)
        {
            columnOfCallId[callerLeg.CallId] = 0;
        }

        columns.Add(new LadderColumn("service", "Portal", ServiceAddress()));
        foreach (var leg in Trace.Legs.Where(l => !ReferenceEquals(l, callerLeg)))
        {
            columnOfCallId[leg.CallId] = columns.Count;
            columns.Add(new LadderColumn(leg.Role, $"{leg.Role} {leg.Party}", AddressOf(leg)));
        }

        rows = [.. Trace.Messages.Select(m => new LadderRow(m.Sequence, m.At, m, null))
            .Concat(Trace.Notes.Select(n => new LadderRow(n.Sequence, n.At, null, n)))
            .OrderBy(r => r.Sequence)];
        if (Selected is not null)
        {
            Selected = Trace.Messages.FirstOrDefault(m => m.Sequence == Selected.Sequence);
        }
    }

    private void Select(SipTraceMessage message) => Selected = message;

    private static int ColumnX(int column) => TimeWidth + (column * ColumnWidth) + (ColumnWidth / 2);

    private static int RowY(int row) => HeaderHeight + (row * RowHeight) + 20;

    /// <summary>Where the arrow starts and ends: between the service and the column of the message's leg.</summary>
    private (int From, int To) Ends(SipTraceMessage message)
    {
        int service = ColumnX(1);
        int peer = ColumnX(columnOfCallId.GetValueOrDefault(message.CallId, 0));
        return message.Direction == SipTraceDirection.Received ? (peer, service) : (service, peer);
    }

    private static string Label(SipTraceMessage message)
    {
        var summary = message.Summary;
        if (!message.IsRequest && message.CSeq is { } cseq && cseq.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var method, ..])
        {
            summary += $" ({method})";
        }

        return message.HasBody ? summary + " + body" : summary;
    }

    private static string Kind(SipTraceMessage message)
    {
        if (message.IsRequest)
        {
            return "request";
        }

        return message.Summary.Length > 0 ? message.Summary[0] switch
        {
            '1' => "provisional",
            '2' => "success",
            _ => "failure",
        } : "failure";
    }

    private string Offset(DateTimeOffset at)
    {
        var first = rows.Count > 0 ? rows[0].At : Trace.StartedAt;
        return "+" + (at - first).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s";
    }

    private string AddressOf(CallTraceLeg? leg) =>
        leg is null ? "" : Trace.Messages.FirstOrDefault(m => m.CallId == leg.CallId)?.Remote.ToString() ?? "";

    private string ServiceAddress() =>
        Trace.Messages.Select(m => m.Local).FirstOrDefault(l => !l.Address.Equals(System.Net.IPAddress.Any))?.ToString() ?? "";

    private sealed record LadderColumn(string Role, string Title, string Address);

    private sealed record LadderRow(long Sequence, DateTimeOffset At, SipTraceMessage? Message, CallTraceNote? Note);
}
