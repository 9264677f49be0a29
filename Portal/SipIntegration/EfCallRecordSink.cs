using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Cluster;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Sip.Calls;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Records;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Storage;
using SipCallDirection = Portal.Sip.Calls.CallDirection;

namespace Portal.SipIntegration;

/// <summary>
/// Call detail records in the portal database (DESIGN §4 CallRecord): a row when the call starts, updated when it
/// is answered, transferred and when it ends. A transfer's outcome also goes to the audit log, under whoever asked
/// for it, and so do refusals of a user's calls and REFERs (DESIGN §10).
/// <para>Written behind, in batches (<see cref="WriteBehindQueue{T}"/>): every change queued while the last batch
/// committed, or within <see cref="Linger"/> of the first, goes into one transaction, so a service writes at most
/// about twenty transactions a second instead of three per call. A clean stop writes everything
/// (<see cref="FlushAsync"/>); a crash loses what was queued and not yet committed, the last 50 ms or so, and the calls it had started are closed as Interrupted at the
/// next start (<see cref="CallRecordRecovery"/>). Batches take their turn with the SIP service's other writes
/// (<see cref="SipDatabaseWrites"/>).</para>
/// </summary>
public sealed partial class EfCallRecordSink : ICallRecordSink, IAsyncDisposable
{
    private const int TextLength = 256;

    /// <summary>How long changes are gathered into one transaction: the most a crash can lose besides the batch being written.</summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(50);

    private readonly IDbContextFactory<PortalDbContext> dbFactory;
    private readonly AuditLog audit;
    private readonly SipDatabaseWrites writes;
    private readonly WriteBehindQueue<RecordChange> queue;
    private readonly ILogger logger;
    private readonly string? nodeId;

    // The row of each call in progress, once its start is committed; only the writer touches it (one batch at a time).
    private readonly Dictionary<string, CallRecord> rows = new(StringComparer.Ordinal);

    public EfCallRecordSink(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, SipDatabaseWrites writes, ILogger<EfCallRecordSink> logger,
        IOptions<ClusterOptions>? cluster = null)
    {
        nodeId = cluster?.Value.NodeId;
        this.dbFactory = dbFactory;
        this.audit = audit;
        this.writes = writes;
        this.logger = logger;
        queue = new WriteBehindQueue<RecordChange>("call records", WriteAsync, logger, linger: Linger);
    }

    /// <summary>Changes queued and not yet committed.</summary>
    public long Backlog => queue.Backlog;

    public ValueTask CallStartedAsync(CallSnapshot call) => Queue(new RecordChange(RecordChangeKind.Started, call));

    public ValueTask CallAnsweredAsync(CallSnapshot call) => Queue(new RecordChange(RecordChangeKind.Answered, call));

    public ValueTask CallEndedAsync(CallSnapshot call, string status, string reason) =>
        Queue(new RecordChange(RecordChangeKind.Ended, call, Status: status, Reason: reason));

    /// <summary>A REFER's transfer request, audited under the call's owner like the API's and the portal's (DESIGN §7).</summary>
    public ValueTask TransferRequestedAsync(CallSnapshot call, TransferSnapshot transfer, string source) =>
        Queue(new RecordChange(RecordChangeKind.TransferRequested, call, Transfer: transfer, Source: source));

    public ValueTask TransferFinishedAsync(CallSnapshot call, TransferSnapshot transfer) =>
        Queue(new RecordChange(RecordChangeKind.TransferFinished, call, Transfer: transfer));

    /// <summary>A refusal that concerns a user's calls goes to the audit log under that user (DESIGN §10).</summary>
    public ValueTask CallRefusedAsync(CallRefusal refusal) => Queue(new RecordChange(RecordChangeKind.Refused, null, Refusal: refusal));

    /// <summary>Completes once every change queued so far is committed.</summary>
    public ValueTask FlushAsync() => new(queue.FlushAsync());

    public ValueTask DisposeAsync() => queue.DisposeAsync();

    private ValueTask Queue(RecordChange change) =>
        queue.Add(change) ? ValueTask.CompletedTask : ValueTask.FromException(new ObjectDisposedException(nameof(EfCallRecordSink)));

    private async Task WriteAsync(IReadOnlyList<RecordChange> batch)
    {
        try
        {
            await writes.RunAsync(() => WriteInTurnAsync(batch));
        }
        catch (DbUpdateException) when (batch.Count > 1)
        {
            // One bad change (a call of a user deleted meanwhile) must not cost the others theirs: one at a time.
            foreach (var change in batch)
            {
                try
                {
                    await writes.RunAsync(() => WriteInTurnAsync([change]));
                }
                catch (DbUpdateException e)
                {
                    LogChangeFailed(logger, e, change.Kind, change.Call?.Number);
                    if (change.Kind == RecordChangeKind.Ended)
                    {
                        // The call is over whether or not its end was stored: its kept row must not outlive it.
                        rows.Remove(change.Call!.Id);
                    }
                }
            }
        }
    }

    private async Task WriteInTurnAsync(IReadOnlyList<RecordChange> batch)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var records = AttachRows(db, batch);
        var started = new List<(string CallId, CallRecord Record)>();
        var ended = new List<string>();
        foreach (var change in batch)
        {
            var call = change.Call;
            switch (change.Kind)
            {
                case RecordChangeKind.Started:
                    var record = NewRecord(call!);
                    db.CallRecords.Add(record);
                    records[call!.Id] = record;
                    started.Add((call.Id, record));
                    break;
                case RecordChangeKind.Answered when await FindAsync(db, records, call!) is { } answered:
                    answered.AnsweredAt = call!.AnsweredAt?.UtcDateTime;
                    answered.CalleeCallId = call.AnsweredLeg?.CallId is { } callee ? Cut(callee) : null;
                    answered.Status = CallStatus.Answered;
                    MarkChanged(db, answered);
                    break;
                case RecordChangeKind.Ended:
                    ended.Add(call!.Id);
                    if (await FindAsync(db, records, call) is { } over)
                    {
                        End(over, call, change.Status!, change.Reason!);
                        MarkChanged(db, over);
                    }

                    break;
                case RecordChangeKind.TransferRequested:
                    var requested = change.Transfer!;
                    audit.AddForOwner(db, call!.OwnerId, requested.RequestedBy, "transfer.request", $"call {call.Number}",
                        $"to {requested.Destination}: started transfer {requested.Id}", change.Source);
                    break;
                case RecordChangeKind.TransferFinished:
                    await TransferFinishedAsync(db, records, call!, change.Transfer!);
                    break;
                case RecordChangeKind.Refused:
                    var refusal = change.Refusal!;
                    audit.AddForOwner(db, refusal.OwnerId, refusal.Actor, refusal.Action, refusal.Target, refusal.Detail, refusal.Source);
                    break;
            }
        }

        await db.SaveChangesAsync();
        foreach (var (callId, record) in started)
        {
            rows[callId] = record;
        }

        foreach (var callId in ended)
        {
            rows.Remove(callId);
        }
    }

    /// <summary>
    /// The rows of the calls this batch changes that started in an earlier batch: kept from when their start was
    /// written, attached to this batch's context rather than read back, so a change costs an UPDATE and no query.
    /// </summary>
    private Dictionary<string, CallRecord> AttachRows(PortalDbContext db, IReadOnlyList<RecordChange> batch)
    {
        var records = new Dictionary<string, CallRecord>(StringComparer.Ordinal);
        foreach (var change in batch)
        {
            if (change.Call is { } call && change.Kind != RecordChangeKind.Started && !records.ContainsKey(call.Id)
                && rows.TryGetValue(call.Id, out var record))
            {
                db.CallRecords.Attach(record);
                records[call.Id] = record;
            }
        }

        return records;
    }

    private async Task TransferFinishedAsync(PortalDbContext db, Dictionary<string, CallRecord> records, CallSnapshot call, TransferSnapshot transfer)
    {
        var answered = transfer.State == TransferState.Answered;
        if (answered && await FindAsync(db, records, call) is { } record)
        {
            var where = $"{transfer.Destination} ({transfer.Target})";
            record.TransferredTo = Cut(record.TransferredTo is null ? where : $"{record.TransferredTo}; {where}");
            MarkChanged(db, record);
        }

        audit.Add(db, transfer.RequestedBy, answered ? "transfer.answered" : "transfer.failed", $"call {call.Number} to {transfer.Destination}",
            $"transfer {transfer.Id}: {transfer.Reason}" + (transfer.Target is null ? "" : $" ({transfer.Target})"));
    }

    /// <summary>
    /// The call's row: in this batch, loaded for it, or (when its start was not written by this process, or failed)
    /// the latest row of the owner with the caller's Call-ID.
    /// </summary>
    private static async Task<CallRecord?> FindAsync(PortalDbContext db, Dictionary<string, CallRecord> records, CallSnapshot call)
    {
        if (records.TryGetValue(call.Id, out var known))
        {
            return known;
        }

        var found = await db.CallRecords.Where(c => c.OwnerId == call.OwnerId && c.CallerCallId == call.CallerLeg.CallId)
            .OrderByDescending(c => c.StartedAt).FirstOrDefaultAsync();
        if (found is not null)
        {
            records[call.Id] = found;
        }

        return found;
    }

    /// <summary>
    /// A kept row is written whole: after a failed batch its object may already hold the values a retry sets again,
    /// which change tracking would not see as a change.
    /// </summary>
    private static void MarkChanged(PortalDbContext db, CallRecord record)
    {
        var entry = db.Entry(record);
        if (entry.State == EntityState.Added)
        {
            return;
        }

        foreach (var property in entry.Properties)
        {
            if (!property.Metadata.IsPrimaryKey())
            {
                property.IsModified = true;
            }
        }
    }

    private CallRecord NewRecord(CallSnapshot call) => new()
    {
        NodeId = nodeId,
        OwnerId = call.OwnerId,
        CallerCallId = Cut(call.CallerLeg.CallId),
        Direction = call.Direction == SipCallDirection.Inbound ? Data.Entities.CallDirection.Inbound : Data.Entities.CallDirection.Outbound,
        From = Cut(call.From),
        To = Cut(call.To),
        DialplanName = call.DialplanName,
        StartedAt = call.StartedAt.UtcDateTime,
        Status = CallStatus.InProgress,
    };

    private static void End(CallRecord record, CallSnapshot call, string status, string reason)
    {
        record.AnsweredAt ??= call.AnsweredAt?.UtcDateTime;
        record.CalleeCallId ??= call.AnsweredLeg?.CallId is { } callee ? Cut(callee) : null;
        record.EndedAt = (call.EndedAt ?? DateTimeOffset.UtcNow).UtcDateTime;
        record.Status = Enum.TryParse<CallStatus>(status, out var parsed) ? parsed : CallStatus.Failed;
        record.HangupReason = Cut(reason);
        record.DurationSeconds = call.AnsweredAt is { } answered && call.EndedAt is { } ended
            ? (int)Math.Round((ended - answered).TotalSeconds)
            : null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing the {Change} record of call {Number} failed; it is not stored")]
    private static partial void LogChangeFailed(ILogger logger, Exception exception, RecordChangeKind change, long? number);

    private static string Cut(string text) => text.Length > TextLength ? text[..TextLength] : text;

    private enum RecordChangeKind
    {
        Started,
        Answered,
        Ended,
        TransferRequested,
        TransferFinished,
        Refused,
    }

    private sealed record RecordChange(RecordChangeKind Kind, CallSnapshot? Call, string? Status = null, string? Reason = null,
        TransferSnapshot? Transfer = null, CallRefusal? Refusal = null, string? Source = null);
}
