namespace Portal.Data.Entities;

public enum CallStatus
{
    InProgress,
    Answered,
    Completed,
    Failed,
    Cancelled,
    Interrupted,
}
