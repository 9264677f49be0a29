using System.Net;

namespace Portal.Sip.Providers;

/// <summary>
/// Where each provider this service registers with is: the address its server resolved to when the REGISTER
/// went out, and the number (the user part of the address of record) it registered (DESIGN §10: a provider is
/// known by its registration token or its resolved address). The registration client fills it; the call layer
/// asks it, in memory and in O(1), whether an INVITE comes from a provider.
/// </summary>
public sealed class RegisteredProviders
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _byToken = new(StringComparer.Ordinal);
    private readonly Dictionary<(IPAddress Address, string User), string> _byAddress = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byToken.Count;
            }
        }
    }

    /// <summary>Records (or moves) the provider whose Contact carries <paramref name="contactToken"/>.</summary>
    public void Set(string contactToken, IPAddress address, string registeredUser)
    {
        Entry entry = new(Normalize(address), registeredUser);
        lock (_gate)
        {
            if (_byToken.Remove(contactToken, out Entry? old))
            {
                _byAddress.Remove((old.Address, old.User));
            }

            _byToken[contactToken] = entry;
            _byAddress[(entry.Address, entry.User)] = contactToken;
        }
    }

    /// <summary>Forgets a provider that no longer registers (Register turned off, deleted, owner suspended).</summary>
    public void Remove(string contactToken)
    {
        lock (_gate)
        {
            if (_byToken.Remove(contactToken, out Entry? old))
            {
                _byAddress.Remove((old.Address, old.User));
            }
        }
    }

    /// <summary>Whether a request from <paramref name="source"/> may be the provider whose token is <paramref name="contactToken"/>.</summary>
    public bool IsFrom(string contactToken, IPAddress source)
    {
        lock (_gate)
        {
            return _byToken.TryGetValue(contactToken, out Entry? entry) && entry.Address.Equals(Normalize(source));
        }
    }

    /// <summary>The token of the provider at <paramref name="source"/> that registered the number <paramref name="user"/>, or null.</summary>
    public string? TokenFor(IPAddress source, string user)
    {
        lock (_gate)
        {
            return _byAddress.GetValueOrDefault((Normalize(source), user));
        }
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private sealed record Entry(IPAddress Address, string User);
}
