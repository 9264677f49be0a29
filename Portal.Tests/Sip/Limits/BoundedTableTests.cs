using Portal.Sip.Limits;

namespace Portal.Tests.Sip.Limits;

public sealed class BoundedTableTests
{
    [Fact]
    public void AddOrUpdate_PastCapacity_ForgetsTheLeastRecentlyTouched()
    {
        var forgotten = new List<string>();
        var table = new BoundedTable<string, int>(3, StringComparer.Ordinal, (key, _) => forgotten.Add(key));
        foreach (var key in new[] { "a", "b", "c" })
        {
            table.AddOrUpdate(key, 1, static (_, _, v) => v);
        }

        table.AddOrUpdate("a", 2, static (current, _, v) => current + v); // touched: now the newest
        table.AddOrUpdate("d", 1, static (_, _, v) => v);

        Assert.Equal(3, table.Count);
        Assert.Equal(["b"], forgotten);
        Assert.True(table.TryGetValue("a", out var a));
        Assert.Equal(3, a);
        Assert.False(table.TryGetValue("b", out _));
    }

    [Fact]
    public void AddOrUpdate_AMillionDistinctKeys_StaysAtItsCapacity()
    {
        var table = new BoundedTable<int, int>(1000);
        for (var i = 0; i < 1_000_000; i++)
        {
            table.AddOrUpdate(i, i, static (_, _, v) => v);
        }

        Assert.Equal(1000, table.Count);
        Assert.True(table.TryGetValue(999_999, out _));
        Assert.False(table.TryGetValue(0, out _));
    }
}
