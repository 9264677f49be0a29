using Microsoft.Extensions.Time.Testing;
using Portal.Sip.Limits;

namespace Portal.Tests.Sip.Limits;

public sealed class OncePerWindowTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ShouldReport_OncePerKeyAndWindow()
    {
        var once = new OncePerWindow<string>(time, TimeSpan.FromMinutes(1));

        Assert.True(once.ShouldReport("203.0.113.5"));
        Assert.False(once.ShouldReport("203.0.113.5"));
        Assert.True(once.ShouldReport("203.0.113.6"));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(once.ShouldReport("203.0.113.5"));
    }

    [Fact]
    public void ShouldReport_MoreKeysThanItKeeps_StillReportsNewOnes_AndForgetsTheOldest()
    {
        var once = new OncePerWindow<int>(time, TimeSpan.FromMinutes(1), maxKeys: 100);
        Assert.All(Enumerable.Range(0, 1000), key => Assert.True(once.ShouldReport(key)));

        Assert.False(once.ShouldReport(999));
        Assert.True(once.ShouldReport(0));
    }
}
