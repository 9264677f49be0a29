namespace Portal.Sip.Calls.Records;

/// <summary>One leg of a call: a dialog of its own, with its own Call-ID and parties (DESIGN §5 B2BUA).</summary>
/// <param name="Role">The caller's leg, or one placed to a destination.</param>
/// <param name="CallId">The leg's SIP Call-ID.</param>
/// <param name="FromUser">The From user part on this leg (for a placed leg, as set with <c>fu</c>).</param>
/// <param name="ToUser">The To user part on this leg.</param>
/// <param name="Target">The Request-URI of the leg's INVITE.</param>
/// <param name="State">Where the leg is.</param>
/// <param name="StartedAt">When its INVITE arrived or was sent (after any <c>dt</c> delay).</param>
/// <param name="AnsweredAt">When it answered.</param>
/// <param name="EndedAt">When it failed or hung up.</param>
/// <param name="Status">The final status of a leg that failed (or the caller's final response); null otherwise.</param>
public sealed record CallLegSnapshot(
    CallLegRole Role,
    string CallId,
    string? FromUser,
    string? ToUser,
    string Target,
    CallLegState State,
    DateTimeOffset StartedAt,
    DateTimeOffset? AnsweredAt,
    DateTimeOffset? EndedAt,
    int? Status);
