namespace Portal.Sip.Dialplans;

/// <summary>A leg that rings the registered phones of the SIP account whose username is the leg's user part.</summary>
public sealed record LocalRoute : DialRoute;
