using Microsoft.Extensions.Time.Testing;

namespace Portal.Tests.Sip.Transactions;

/// <summary>Moves a fake clock in 100 ms steps, so every timer fires at its own instant and re-arms from there.</summary>
internal static class FakeClock
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    public static void AdvanceInSteps(this FakeTimeProvider time, TimeSpan total)
    {
        for (TimeSpan moved = TimeSpan.Zero; moved < total; moved += Step)
        {
            time.Advance(total - moved < Step ? total - moved : Step);
        }
    }

    public static void AdvanceSeconds(this FakeTimeProvider time, double seconds) =>
        time.AdvanceInSteps(TimeSpan.FromMilliseconds(seconds * 1000));
}
