namespace Portal.Runtime;

/// <summary><c>Portal:Memory</c>: giving memory back once a load is over (<see cref="IdleMemoryTrim"/>).</summary>
public sealed class MemoryTrimOptions
{
    public const string SectionName = "Portal:Memory";

    /// <summary>How often the process looks whether it is quiet and can give memory back; 0 never.</summary>
    public int TrimWhenIdleSeconds { get; set; } = 10;
}
