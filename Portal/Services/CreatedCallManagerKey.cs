namespace Portal.Services;

/// <summary>A key just created: <see cref="Key"/> exists only here and is never retrievable again.</summary>
public sealed record CreatedCallManagerKey(int Id, string Name, string Prefix, string Key);
