using Portal.Sip.Messages;

namespace Portal.Sip.Dialplans;

/// <summary>
/// Where a dial-string leg goes, decided by its host (DESIGN §6): <see cref="ProviderRoute"/> for one of the
/// owner's providers, <see cref="LocalRoute"/> for <c>local</c> or a hosted domain (the registered phones of the
/// SIP account named by the user part), <see cref="DirectRoute"/> for anything else.
/// </summary>
public abstract record DialRoute
{
    private protected DialRoute()
    {
    }

    /// <summary>The registered phones of the SIP account named by the leg's user part.</summary>
    public static LocalRoute Local { get; } = new();

    /// <summary>Through the owner's provider <paramref name="name"/>.</summary>
    public static ProviderRoute Provider(string name) => new(name);

    /// <summary>Straight to <paramref name="uri"/>.</summary>
    public static DirectRoute Direct(SipUri uri) => new(uri);
}
