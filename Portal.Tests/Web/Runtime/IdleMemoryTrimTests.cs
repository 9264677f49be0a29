using Portal.Runtime;

namespace Portal.Tests.Web.Runtime;

/// <summary>When the process gives back the memory a load left behind, and when it leaves the collector alone.</summary>
public sealed class IdleMemoryTrimTests
{
    private const long MB = 1024 * 1024;

    [Fact]
    public void TheFirstQuietPeriodAfterALoad_Trims() =>
        Assert.True(IdleMemoryTrim.ShouldTrim(allocatedInPeriod: 3 * MB, lastGivenBack: null));

    [Fact]
    public void UnderLoad_NoTrim() =>
        Assert.False(IdleMemoryTrim.ShouldTrim(allocatedInPeriod: 900 * MB, lastGivenBack: null));

    [Fact]
    public void StillQuiet_TrimsAgainWhileTheLastTrimGaveBackEnough_ThenStops()
    {
        Assert.True(IdleMemoryTrim.ShouldTrim(allocatedInPeriod: 2 * MB, lastGivenBack: 700 * MB));
        Assert.False(IdleMemoryTrim.ShouldTrim(allocatedInPeriod: 2 * MB, lastGivenBack: 3 * MB));
    }
}
