namespace Portal.Sip.Limits;

/// <summary>
/// The bans and failure counts the nodes of one service share (DESIGN §11). Each node still decides every request
/// from its own tables, with no network round trip per message: this carries a ban that started on one node to the
/// others, and adds failed answers up across nodes, so a guesser who spreads them over the nodes is counted once.
/// Called on the SIP receive path: implementations hand the work off and return at once.
/// </summary>
public interface ISharedBans
{
    /// <summary>Tells the other nodes of a ban that started here.</summary>
    void Announce(SipBan ban);

    /// <summary>
    /// Adds one failure under <paramref name="key"/> to the count every node shares, in a window that starts with the
    /// key's first failure; calls <paramref name="reached"/> (off the receive path) on the node whose failure made the
    /// shared count reach <paramref name="limit"/>, once per key and window.
    /// </summary>
    void CountFailure(string key, TimeSpan window, int limit, Action reached);

    /// <summary>Hears the bans that other nodes announce (and those still running when this node starts), until disposed.</summary>
    IDisposable Subscribe(Action<SipBan> banned);
}
