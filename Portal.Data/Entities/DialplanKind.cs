namespace Portal.Data.Entities;

public enum DialplanKind
{
    Rules,
}
