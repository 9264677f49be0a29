namespace Portal.Services;

/// <summary>Starting points offered when a user creates a dialplan.</summary>
public static class DialplanTemplates
{
    /// <summary>The <c>transfer</c> dialplan: what a blind transfer dials (DESIGN §2 step 4, §6).</summary>
    public const string Transfer =
        """
        # Blind transfers run this dialplan: req.URI.User is the destination the voice app asked for,
        # and req.Header.From is the caller being transferred.
        # A name that is one of your SIP accounts rings that account's phones.
        when /^[a-z][a-z0-9._-]*$/ then sys.Dial("#{req.URI.User}@local")
        # Numbers go out through a provider: replace "myprovider" with the name of one of yours.
        # when /^\+?(\d{7,15})$/ then sys.Dial("$1@myprovider")
        else sys.Respond(404, "No route for #{req.URI.User}")
        """;

    /// <summary>A first outgoing dialplan for a phone.</summary>
    public const string Outgoing =
        """
        # Outgoing calls from your phones: rules are tried top to bottom on the dialled number.
        when /^[a-z][a-z0-9._-]*$/ then sys.Dial("#{req.URI.User}@local")
        else sys.Respond(404, "No route for #{req.URI.User}")
        """;
}
