using Microsoft.Extensions.Time.Testing;
using Portal.Sip.Auth;

namespace Portal.Tests.Sip.Auth;

public sealed class DigestNoncesTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryUseCount_AfterTheNonceWasForgottenToMakeRoom_StillRefusesItsReplay()
    {
        var nonces = new DigestNonces(time, capacity: 10);
        var first = nonces.Create();
        Assert.True(nonces.TryUseCount(first, 1));

        for (var i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(5));
            Assert.True(nonces.TryUseCount(nonces.Create(), 1));
        }

        // Its record is gone; a replay of its first count, or even a higher one, must not be taken as new.
        Assert.False(nonces.TryUseCount(first, 1));
        Assert.False(nonces.TryUseCount(first, 2));
        Assert.True(nonces.TryUseCount(nonces.Create(), 1));
    }
}
