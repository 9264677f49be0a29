namespace Portal.Data.Entities;

/// <summary>A call detail record, written as the call progresses so nothing is lost on a crash.</summary>
public sealed class CallRecord
{
    public long Id { get; set; }

    public required string OwnerId { get; set; }

    public PortalUser? Owner { get; set; }

    /// <summary>Call-ID of the leg towards the caller.</summary>
    public required string CallerCallId { get; set; }

    /// <summary>Call-ID of the answering leg, once there is one.</summary>
    public string? CalleeCallId { get; set; }

    public CallDirection Direction { get; set; }

    public required string From { get; set; }

    public required string To { get; set; }

    public string? DialplanName { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime? AnsweredAt { get; set; }

    public DateTime? EndedAt { get; set; }

    public CallStatus Status { get; set; }

    public string? HangupReason { get; set; }

    public string? TransferredTo { get; set; }

    public int? DurationSeconds { get; set; }

    /// <summary>The node that took the call's INVITE (<c>Cluster:NodeId</c>); null for calls recorded before nodes were named.</summary>
    public string? NodeId { get; set; }
}
