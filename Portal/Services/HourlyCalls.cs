namespace Portal.Services;

/// <summary>Calls started in the hour beginning at <see cref="Hour"/> (UTC).</summary>
public sealed record HourlyCalls(DateTime Hour, int Calls);
