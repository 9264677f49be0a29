namespace Portal.Sip.Calls.Dialling;

/// <summary>A stored dialplan: its name, <c>Rules</c> source, and a version that changes on every save.</summary>
public sealed record DialplanSourceRecord(string Name, string Source, int Version);
