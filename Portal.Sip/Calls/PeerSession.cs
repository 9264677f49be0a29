namespace Portal.Sip.Calls;

/// <summary>A session description a leg's peer sent, as it came (its own origin), with the headers that describe it.</summary>
internal sealed record PeerSession(ReadOnlyMemory<byte> Body, IReadOnlyList<KeyValuePair<string, string>> Headers);
