using System.Net;
using SlackKit.WebSockets.Internal;
using SlackKit.WebSockets.Internal.Protocol;

namespace SlackKit.WebSockets.Tests.Protocol;

/// <summary>Contract rows 1 and 8 as decisions, with no socket and no clock.</summary>
public class ReconnectPolicyTests
{
    private static readonly DisconnectReason Closed = DisconnectReason.RemoteClose(1000, "bye");

    private static DisconnectReason Refused(HttpStatusCode status, string? retryAfter = null) => DisconnectReason.HandshakeRefused(status,
        retryAfter is null ? null : new Dictionary<string, IEnumerable<string>> { ["Retry-After"] = [retryAfter] });

    private static ReconnectDecision Decide(InitResult init, DisconnectResult decision, DisconnectReason reason)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), new Random(8));
        return ReconnectPolicy.Decide(init, decision, reason, ref backoff);
    }

    [Fact]
    public void Row1_with_no_opinion_Reconnect_reconnects_with_backoff_and_Ok_terminates()
    {
        ReconnectDecision reconnect = Decide(InitResult.Reconnect, DisconnectResult.Default, Closed);
        Assert.Equal(ReconnectAction.Reconnect, reconnect.Action);
        Assert.InRange(reconnect.Delay, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        Assert.Equal(new ReconnectDecision(ReconnectAction.Terminate, Reason: Closed.Message), Decide(InitResult.Ok, DisconnectResult.Default, Closed));
    }

    [Fact]
    public void Row1_Once_never_reconnects_whatever_OnDisconnect_says()
    {
        foreach (DisconnectResult decision in new[] { DisconnectResult.Reconnect, DisconnectResult.ReconnectAfter(TimeSpan.Zero), DisconnectResult.Ok })
        {
            Assert.Equal(ReconnectAction.Terminate, Decide(InitResult.Once, decision, Closed).Action);
        }
    }

    [Fact]
    public void What_OnDisconnect_decides_is_done()
    {
        Assert.Equal(new ReconnectDecision(ReconnectAction.Reconnect, TimeSpan.FromSeconds(3)), Decide(InitResult.Ok, DisconnectResult.ReconnectAfter(TimeSpan.FromSeconds(3)), Closed));
        Assert.Equal(ReconnectAction.Reconnect, Decide(InitResult.Ok, DisconnectResult.Reconnect, Closed).Action);
        Assert.Equal(new ReconnectDecision(ReconnectAction.Stay), Decide(InitResult.Reconnect, DisconnectResult.Ok, Closed));
        Assert.Equal(new ReconnectDecision(ReconnectAction.Terminate, Reason: "done"), Decide(InitResult.Reconnect, DisconnectResult.Close("done"), Closed));
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public void Row8_a_refused_401_or_403_is_not_retried_by_default_but_is_when_OnDisconnect_says_so(HttpStatusCode status)
    {
        Assert.Equal(ReconnectAction.Terminate, Decide(InitResult.Reconnect, DisconnectResult.Default, Refused(status)).Action);
        Assert.Equal(ReconnectAction.Reconnect, Decide(InitResult.Reconnect, DisconnectResult.Reconnect, Refused(status)).Action);
    }

    [Fact]
    public void Row8_Retry_After_is_a_floor_under_every_reconnect_but_not_a_reason_to_reconnect()
    {
        DisconnectReason busy = Refused(HttpStatusCode.TooManyRequests, "7");
        Assert.Equal(TimeSpan.FromSeconds(7), Decide(InitResult.Reconnect, DisconnectResult.Default, busy).Delay);
        Assert.Equal(TimeSpan.FromSeconds(7), Decide(InitResult.Ok, DisconnectResult.ReconnectAfter(TimeSpan.Zero), busy).Delay);
        Assert.Equal(TimeSpan.FromSeconds(9), Decide(InitResult.Ok, DisconnectResult.ReconnectAfter(TimeSpan.FromSeconds(9)), busy).Delay);
        Assert.Equal(ReconnectAction.Stay, Decide(InitResult.Ok, DisconnectResult.Ok, busy).Action);
    }
}

/// <summary>Waits computed from timestamps: a fraction of a millisecond must not become no wait at all.</summary>
public class WaitTests
{
    [Theory]
    [InlineData(1, 10_000)]            // 0.0001 ms: one whole millisecond
    [InlineData(4_000, 10_000)]        // 0.4 ms
    [InlineData(10_000, 10_000)]       // exactly 1 ms stays 1 ms
    [InlineData(10_001, 20_000)]
    [InlineData(0, 0)]
    public void A_wait_is_rounded_up_to_a_whole_millisecond(long ticks, long expected) =>
        Assert.Equal(TimeSpan.FromTicks(expected), Wait.RoundUp(TimeSpan.FromTicks(ticks)));
}
