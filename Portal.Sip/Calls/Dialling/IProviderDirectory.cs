namespace Portal.Sip.Calls.Dialling;

/// <summary>
/// The names of an owner's SIP providers (DESIGN §5, §6): a dial-string host equal to one routes through that
/// provider. Incoming calls from a provider are found by the token its registration's Contact carries. The portal
/// implements it on its in-memory directory.
/// </summary>
public interface IProviderDirectory
{
    ValueTask<IReadOnlyList<string>> ListNamesAsync(string ownerId, CancellationToken cancellationToken = default);

    /// <summary>The owner's provider of that name, with its credentials, or null.</summary>
    ValueTask<ProviderDialInfo?> FindAsync(string ownerId, string name, CancellationToken cancellationToken = default);

    /// <summary>The provider whose registration Contact carries <paramref name="contactToken"/>, or null; answered from memory.</summary>
    ValueTask<IncomingProvider?> FindByContactTokenAsync(string contactToken, CancellationToken cancellationToken = default);
}
