namespace Portal.Sip.Calls.Records;

/// <summary>How a call ended, as <see cref="ICallRecordSink.CallEndedAsync"/> reports it (the names of the CDR statuses).</summary>
public static class CallEndStatus
{
    /// <summary>Answered, then hung up by either party, the call manager or a limit.</summary>
    public const string Completed = "Completed";

    /// <summary>Never answered: every destination failed, or the dialplan refused the call.</summary>
    public const string Failed = "Failed";

    /// <summary>The caller gave up (CANCEL) before an answer.</summary>
    public const string Cancelled = "Cancelled";

    /// <summary>Cut short by the service stopping.</summary>
    public const string Interrupted = "Interrupted";
}
