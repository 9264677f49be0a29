using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Portal.Sip.Limits;
using Portal.Sip.Telemetry;

namespace Portal.Tests.Sip.Limits;

public sealed class FloodGuardTests
{
    private static readonly IPAddress Flooder = IPAddress.Parse("203.0.113.66");
    private static readonly IPAddress Neighbour = IPAddress.Parse("203.0.113.67");

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger logger = new();

    [Fact]
    public void Admit_OverTheRate_BansTheAddressForTheBanTime_AndLogsItOnce()
    {
        var guard = new FloodGuard(time, new SipLimitOptions { RequestsPerSecondPerAddress = 100, FloodBanSeconds = 60 }, logger);

        var admitted = Enumerable.Range(0, 2000).Count(_ => guard.Admit(Flooder));

        Assert.Equal(100, admitted);
        Assert.True(guard.Admit(Neighbour));
        var banned = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.EndsWith("from 203.0.113.66", banned.Message);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(guard.Admit(Flooder));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(guard.Admit(Flooder));
    }

    [Fact]
    public void Admit_WithinTheRateEverySecond_IsNeverBanned()
    {
        var guard = new FloodGuard(time, new SipLimitOptions { RequestsPerSecondPerAddress = 100 }, logger);
        for (var second = 0; second < 10; second++)
        {
            Assert.All(Enumerable.Range(0, 100), _ => Assert.True(guard.Admit(Flooder)));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Empty(logger.Collector.GetSnapshot());
    }

    [Fact]
    public void Admit_FromAnExemptNetwork_IsNeverCounted()
    {
        var guard = new FloodGuard(time, new SipLimitOptions { RequestsPerSecondPerAddress = 10, FloodExemptNetworks = "203.0.113.0/24, 2001:db8::/32" });
        Assert.All(Enumerable.Range(0, 1000), _ => Assert.True(guard.Admit(Flooder)));
        Assert.All(Enumerable.Range(0, 1000), _ => Assert.True(guard.Admit(IPAddress.Parse("::ffff:203.0.113.9"))));
    }

    [Fact]
    public void Admit_OverTheRate_ReportsTheBanOnce_AndCountsIt()
    {
        var reported = new List<SipBan>();
        using var metrics = new SipMetrics();
        using var bans = new MetricCollector<long>(null, SipMetrics.MeterName, "portal.sip.bans");
        var guard = new FloodGuard(time, new SipLimitOptions { RequestsPerSecondPerAddress = 100, FloodBanSeconds = 60 }, logger, metrics,
            new BanList(reported));

        Enumerable.Range(0, 2000).ToList().ForEach(_ => guard.Admit(Flooder));

        var ban = Assert.Single(reported);
        Assert.Equal(("flood", Flooder, TimeSpan.FromSeconds(60)), (ban.Kind, ban.Address, ban.Duration));
        var counted = Assert.Single(bans.GetMeasurementSnapshot());
        Assert.Equal(1, counted.Value);
        Assert.Equal("flood", counted.Tags["kind"]);
    }

    [Fact]
    public void New_BadExemptNetwork_FailsSayingWhichSetting()
    {
        var error = Assert.Throws<FormatException>(() => new FloodGuard(time, new SipLimitOptions { FloodExemptNetworks = "10.0.0.0/33" }));
        Assert.Contains("Sip:Limits:FloodExemptNetworks", error.Message);
    }

    private sealed class BanList(List<SipBan> bans) : IBanReport
    {
        public void BanStarted(SipBan ban) => bans.Add(ban);
    }
}
