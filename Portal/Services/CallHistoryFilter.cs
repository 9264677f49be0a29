using Portal.Data.Entities;

namespace Portal.Services;

/// <summary>What the Call history page filters on. Dates are UTC and inclusive of the whole day.</summary>
public sealed record CallHistoryFilter(DateTime? FromDate = null, DateTime? ToDate = null, string? Number = null, CallStatus? Status = null);
