namespace Portal.Services;

public sealed record DialplanSummary(int Id, string Name, string Source, int Version, DateTime UpdatedAt)
{
    public bool IsTransfer => Name == Data.Entities.Dialplan.TransferName;
}
