using Portal.Data.Entities;

namespace Portal.Services;

public sealed record CallHistoryPage(IReadOnlyList<CallRecord> Items, int TotalCount);
