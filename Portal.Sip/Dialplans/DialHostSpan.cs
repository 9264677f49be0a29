namespace Portal.Sip.Dialplans;

/// <summary>Where a leg's host sits in a dial string (0-based), so save-time validation can point at it.</summary>
internal readonly record struct DialHostSpan(int Index, int Length, string Host);
