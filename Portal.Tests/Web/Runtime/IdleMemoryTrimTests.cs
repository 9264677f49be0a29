using Portal.Runtime;

namespace Portal.Tests.Web.Runtime;

/// <summary>When the process gives back the memory a load left behind, and when it leaves the collector alone.</summary>
public sealed class IdleMemoryTrimTests
{
    private const long MB = 1024 * 1024;

    [Fact]
    public void AfterALoad_QuietAndHoldingFarMoreThanIsAlive_Trims() =>
        Assert.True(IdleMemoryTrim.ShouldTrim(collectionsInPeriod: 0, committedBytes: 900 * MB, liveBytes: 20 * MB));

    [Fact]
    public void UnderLoad_TheCollectorIsBusy_NoTrim() =>
        Assert.False(IdleMemoryTrim.ShouldTrim(collectionsInPeriod: 12, committedBytes: 900 * MB, liveBytes: 20 * MB));

    [Fact]
    public void Quiet_ButHoldingLittleMoreThanIsAlive_NoTrim() =>
        Assert.False(IdleMemoryTrim.ShouldTrim(collectionsInPeriod: 0, committedBytes: 60 * MB, liveBytes: 20 * MB));
}
