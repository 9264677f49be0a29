namespace Portal.Data.Entities;

public enum CallDirection
{
    Outbound,
    Inbound,
}
