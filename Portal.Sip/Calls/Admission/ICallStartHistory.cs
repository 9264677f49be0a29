namespace Portal.Sip.Calls.Admission;

/// <summary>
/// When an owner's earlier calls started, from the call records: the velocity limits (DESIGN §10) start from
/// them, so a restart does not give an owner a fresh day.
/// </summary>
public interface ICallStartHistory
{
    /// <summary>
    /// The start times of <paramref name="ownerId"/>'s calls since <paramref name="since"/> that ran the owner's
    /// dialplan (outbound, or inbound through an in dialplan).
    /// </summary>
    ValueTask<IReadOnlyList<DateTimeOffset>> ListDialplanCallStartsAsync(string ownerId, DateTimeOffset since, CancellationToken cancellationToken);
}
