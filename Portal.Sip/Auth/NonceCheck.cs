namespace Portal.Sip.Auth;

public enum NonceCheck
{
    Invalid,
    Stale,
    Valid,
}
