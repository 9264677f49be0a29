using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Data;
using Portal.Services;
using Portal.Sip.Calls.Admission;
using Portal.Sip.Calls.Records;
using Portal.Sip.Calls.Transfers;
using Portal.Sip.Calls;
using SipCallDirection = Portal.Sip.Calls.CallDirection;

namespace Portal.SipIntegration;

/// <summary>
/// Call detail records in the portal database (DESIGN §4 CallRecord), written as the call progresses: a row when
/// it starts, updated when it is answered, transferred and when it ends, so a crash loses at most the last step.
/// A transfer's outcome also goes to the audit log, under whoever asked for it, and so do refusals of a user's
/// calls and REFERs (DESIGN §10).
/// Writes take their turn with the SIP service's other writes (<see cref="SipDatabaseWrites"/>).
/// </summary>
public sealed class EfCallRecordSink(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, SipDatabaseWrites writes) : ICallRecordSink
{
    private const int TextLength = 256;

    // The row of each call in progress; the call manager calls one call's methods in order, one at a time.
    private readonly ConcurrentDictionary<string, long> rows = new(StringComparer.Ordinal);

    public ValueTask CallStartedAsync(CallSnapshot call) => new(writes.RunAsync(() => CallStartedInTurnAsync(call)));

    private async Task CallStartedInTurnAsync(CallSnapshot call)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var record = new CallRecord
        {
            OwnerId = call.OwnerId,
            CallerCallId = Cut(call.CallerLeg.CallId),
            Direction = call.Direction == SipCallDirection.Inbound ? Data.Entities.CallDirection.Inbound : Data.Entities.CallDirection.Outbound,
            From = Cut(call.From),
            To = Cut(call.To),
            DialplanName = call.DialplanName,
            StartedAt = call.StartedAt.UtcDateTime,
            Status = CallStatus.InProgress,
        };
        db.CallRecords.Add(record);
        await db.SaveChangesAsync();
        rows[call.Id] = record.Id;
    }

    public ValueTask CallAnsweredAsync(CallSnapshot call) => new(writes.RunAsync(() => CallAnsweredInTurnAsync(call)));

    private async Task CallAnsweredInTurnAsync(CallSnapshot call)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        if (await FindAsync(db, call) is not { } record)
        {
            return;
        }

        record.AnsweredAt = call.AnsweredAt?.UtcDateTime;
        record.CalleeCallId = call.AnsweredLeg?.CallId is { } callee ? Cut(callee) : null;
        record.Status = CallStatus.Answered;
        await db.SaveChangesAsync();
    }

    public ValueTask CallEndedAsync(CallSnapshot call, string status, string reason) => new(writes.RunAsync(() => CallEndedInTurnAsync(call, status, reason)));

    private async Task CallEndedInTurnAsync(CallSnapshot call, string status, string reason)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var record = await FindAsync(db, call);
        rows.TryRemove(call.Id, out _);
        if (record is null)
        {
            return;
        }

        record.AnsweredAt ??= call.AnsweredAt?.UtcDateTime;
        record.CalleeCallId ??= call.AnsweredLeg?.CallId is { } callee ? Cut(callee) : null;
        record.EndedAt = (call.EndedAt ?? DateTimeOffset.UtcNow).UtcDateTime;
        record.Status = Enum.TryParse<CallStatus>(status, out var parsed) ? parsed : CallStatus.Failed;
        record.HangupReason = Cut(reason);
        record.DurationSeconds = call.AnsweredAt is { } answered && call.EndedAt is { } ended
            ? (int)Math.Round((ended - answered).TotalSeconds)
            : null;
        await db.SaveChangesAsync();
    }

    /// <summary>A REFER's transfer request, audited under the call's owner like the API's and the portal's (DESIGN §7).</summary>
    public ValueTask TransferRequestedAsync(CallSnapshot call, TransferSnapshot transfer, string source) => new(writes.RunAsync(async () =>
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        audit.AddForOwner(db, call.OwnerId, transfer.RequestedBy, "transfer.request", $"call {call.Number}",
            $"to {transfer.Destination}: started transfer {transfer.Id}", source);
        await db.SaveChangesAsync();
    }));

    public ValueTask TransferFinishedAsync(CallSnapshot call, TransferSnapshot transfer) => new(writes.RunAsync(() => TransferFinishedInTurnAsync(call, transfer)));

    private async Task TransferFinishedInTurnAsync(CallSnapshot call, TransferSnapshot transfer)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var answered = transfer.State == TransferState.Answered;
        if (answered && await FindAsync(db, call) is { } record)
        {
            var where = $"{transfer.Destination} ({transfer.Target})";
            record.TransferredTo = Cut(record.TransferredTo is null ? where : $"{record.TransferredTo}; {where}");
        }

        audit.Add(db, transfer.RequestedBy, answered ? "transfer.answered" : "transfer.failed", $"call {call.Number} to {transfer.Destination}",
            $"transfer {transfer.Id}: {transfer.Reason}" + (transfer.Target is null ? "" : $" ({transfer.Target})"));
        await db.SaveChangesAsync();
    }

    /// <summary>A refusal that concerns a user's calls goes to the audit log under that user (DESIGN §10).</summary>
    public ValueTask CallRefusedAsync(CallRefusal refusal) => new(writes.RunAsync(() => CallRefusedInTurnAsync(refusal)));

    private async Task CallRefusedInTurnAsync(CallRefusal refusal)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        audit.AddForOwner(db, refusal.OwnerId, refusal.Actor, refusal.Action, refusal.Target, refusal.Detail, refusal.Source);
        await db.SaveChangesAsync();
    }

    private async Task<CallRecord?> FindAsync(PortalDbContext db, CallSnapshot call) =>
        rows.TryGetValue(call.Id, out var id)
            ? await db.CallRecords.FindAsync(id)
            : await db.CallRecords.Where(c => c.OwnerId == call.OwnerId && c.CallerCallId == call.CallerLeg.CallId)
                .OrderByDescending(c => c.StartedAt).FirstOrDefaultAsync();

    private static string Cut(string text) => text.Length > TextLength ? text[..TextLength] : text;
}
