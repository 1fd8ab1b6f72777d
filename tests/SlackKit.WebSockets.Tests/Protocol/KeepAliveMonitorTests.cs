using SlackKit.WebSockets.Internal.Protocol;

namespace SlackKit.WebSockets.Tests.Protocol;

/// <summary>Contract row 9 and its limits as verdicts, with no socket and no clock: what is due at each moment.</summary>
public class KeepAliveMonitorTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(4);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static LivenessSnapshot Seen(long reads = 0, double? writing = null, bool stalled = false, long stallChanges = 0, double? message = null) =>
        new(reads, writing is { } w ? S(w) : null, stalled, stallChanges, message is { } m ? S(m) : null);

    [Fact]
    public void A_ping_is_due_every_interval_and_nothing_before()
    {
        var monitor = new KeepAliveMonitor(Interval, Timeout, System.Threading.Timeout.InfiniteTimeSpan);
        Assert.Equal(new KeepAliveVerdict(KeepAliveAction.Wait, S(10)), monitor.Next(S(0), Seen()));
        Assert.Equal(KeepAliveAction.SendPing, monitor.Next(S(10), Seen()).Action);
        monitor.OnPingQueued(S(10), Seen());

        // Owed from 10 s: the next thing is the timeout at 14 s, unless the peer speaks.
        Assert.Equal(new KeepAliveVerdict(KeepAliveAction.Wait, S(14)), monitor.Next(S(10), Seen()));
        Assert.Equal(new KeepAliveVerdict(KeepAliveAction.Wait, S(20)), monitor.Next(S(12), Seen(reads: 1)));
        Assert.Equal(KeepAliveAction.SendPing, monitor.Next(S(20), Seen(reads: 1)).Action);
    }

    [Fact]
    public void Nothing_received_within_the_timeout_of_a_ping_owed_is_a_dead_peer_whether_or_not_the_ping_was_written()
    {
        var monitor = new KeepAliveMonitor(Interval, Timeout, System.Threading.Timeout.InfiniteTimeSpan);
        monitor.Next(S(10), Seen(reads: 3));
        monitor.OnPingQueued(S(10), Seen(reads: 3)); // what came before the ping does not answer it

        Assert.Equal(KeepAliveAction.Wait, monitor.Next(S(13.9), Seen(reads: 3)).Action);
        KeepAliveVerdict dead = monitor.Next(S(14), Seen(reads: 3));
        Assert.Equal(KeepAliveAction.Dead, dead.Action);
        Assert.Equal(DisconnectKind.KeepAliveTimeout, dead.Reason!.Kind);
        Assert.Equal("keepalive timeout: nothing received within 4 s after a ping", dead.Reason.Message);
    }

    [Fact]
    public void Time_the_client_stopped_reading_for_a_slow_handler_does_not_count_against_the_peer()
    {
        var monitor = new KeepAliveMonitor(Interval, Timeout, System.Threading.Timeout.InfiniteTimeSpan);
        monitor.Next(S(10), Seen());
        monitor.OnPingQueued(S(10), Seen());
        Assert.Equal(KeepAliveAction.Wait, monitor.Next(S(15), Seen(stalled: true, stallChanges: 1)).Action); // stalled now

        monitor.OnPingQueued(S(20), Seen(stallChanges: 2)); // that stall ended before this ping: it excuses nothing
        Assert.Equal(KeepAliveAction.Dead, monitor.Next(S(24), Seen(stallChanges: 2)).Action);
        Assert.Equal(KeepAliveAction.Wait, monitor.Next(S(24), Seen(stallChanges: 4)).Action); // one began and ended after it
    }

    [Fact]
    public void A_write_that_has_not_completed_within_the_timeout_is_a_dead_peer_even_while_it_talks()
    {
        var monitor = new KeepAliveMonitor(Interval, Timeout, System.Threading.Timeout.InfiniteTimeSpan);
        Assert.Equal(new KeepAliveVerdict(KeepAliveAction.Wait, S(7)), monitor.Next(S(5), Seen(reads: 5, writing: 3)));
        KeepAliveVerdict dead = monitor.Next(S(7), Seen(reads: 7, writing: 3));
        Assert.Equal(KeepAliveAction.Dead, dead.Action);
        Assert.Equal("keepalive timeout: a write has not completed within 4 s; the peer stopped reading", dead.Reason!.Message);
    }

    [Fact]
    public void A_message_slower_than_MessageTimeout_fails_the_connection_with_1008_even_with_keepalive_off()
    {
        var monitor = new KeepAliveMonitor(System.Threading.Timeout.InfiniteTimeSpan, Timeout, S(30));
        Assert.Equal(new KeepAliveVerdict(KeepAliveAction.Wait, S(30)), monitor.Next(S(0), Seen()));
        Assert.Equal(new KeepAliveVerdict(KeepAliveAction.Wait, S(32)), monitor.Next(S(5), Seen(reads: 5, message: 2)));
        KeepAliveVerdict fail = monitor.Next(S(32), Seen(reads: 40, message: 2)); // bytes keep coming: a trickle
        Assert.Equal((KeepAliveAction.Fail, 1008), (fail.Action, fail.CloseCode));
        Assert.Contains("MessageTimeout", fail.Reason!.Message);
    }

    [Fact]
    public void With_keepalive_and_MessageTimeout_off_nothing_is_watched()
    {
        Assert.False(KeepAliveMonitor.IsNeeded(System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan));
        Assert.True(KeepAliveMonitor.IsNeeded(Interval, System.Threading.Timeout.InfiniteTimeSpan));
        Assert.True(KeepAliveMonitor.IsNeeded(System.Threading.Timeout.InfiniteTimeSpan, S(1)));
    }
}
