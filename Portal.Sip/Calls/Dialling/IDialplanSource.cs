namespace Portal.Sip.Calls.Dialling;

/// <summary>
/// Where an owner's dialplans come from (DESIGN §3, §6); the portal implements it on its database. Asked on every
/// call, so an edited dialplan takes effect for the next call: it should be one indexed lookup.
/// </summary>
public interface IDialplanSource
{
    /// <summary>The dialplan <paramref name="name"/> of owner <paramref name="ownerId"/>; null when there is none.</summary>
    ValueTask<DialplanSourceRecord?> GetAsync(string ownerId, string name, CancellationToken cancellationToken = default);
}
