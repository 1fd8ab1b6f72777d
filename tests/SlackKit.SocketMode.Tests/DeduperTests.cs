using SlackKit.SocketMode.Internal;

namespace SlackKit.SocketMode.Tests;

public sealed class DeduperTests
{
    [Fact]
    public void Remembers_at_most_its_capacity_forgetting_the_oldest_first()
    {
        var dedupe = new Deduper(capacity: 100);
        for (int i = 0; i < 150; i++)
        {
            Assert.True(dedupe.TryClaim($"Ev{i}"));
        }

        Assert.Equal(100, dedupe.Count);
        Assert.False(dedupe.TryClaim("Ev149")); // the newest are still known: a retry of one is dropped
        Assert.False(dedupe.TryClaim("Ev50"));
        Assert.True(dedupe.TryClaim("Ev0")); // the oldest were forgotten
        Assert.Equal(100, dedupe.Count);
    }
}
