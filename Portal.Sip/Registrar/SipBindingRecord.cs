using System.Net;
using Portal.Sip.Messages;
using Portal.Sip.Transport;

namespace Portal.Sip.Registrar;

/// <summary>
/// One registered contact of an account (RFC 3261 §10.3). <paramref name="ReceivedFrom"/> is where the REGISTER
/// came from (<c>transport:ip:port</c>), the path requests to the phone take, as Kamailio's nathelper
/// <c>fix_nated_register</c> keeps it; <paramref name="UnreachableSince"/> is set when keep-alives to a phone
/// behind NAT went unanswered, and the binding is no longer rung.
/// <see cref="Path"/> is the REGISTER's Path header values (RFC 3327), comma-separated in their order, the route
/// requests to this contact take; null without any.
/// </summary>
public sealed record SipBindingRecord(
    string ContactUri,
    string ReceivedFrom,
    string? UserAgent,
    DateTime ExpiresAt,
    string CallId,
    int CSeq,
    DateTime? UnreachableSince = null,
    string? Path = null)
{
    /// <summary>
    /// Whether the phone sits behind NAT: its Contact names another address or port than the one its REGISTER
    /// came from (RFC 3581's received/rport differ). A Contact with a host name counts as behind NAT too.
    /// </summary>
    public bool IsBehindNat
    {
        get
        {
            if (!SipEndPoint.TryParse(ReceivedFrom, out SipEndPoint source) || !SipUri.TryParse(ContactUri, out SipUri? contact))
            {
                return false;
            }

            return !IPAddress.TryParse(contact.Host.Trim('[', ']'), out IPAddress? address)
                || !Plain(address).Equals(Plain(source.EndPoint.Address))
                || (contact.Port ?? 5060) != source.EndPoint.Port;
        }
    }

    private static IPAddress Plain(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
