namespace SlackKit.WebSockets.Internal.Protocol;

/// <summary>What the connection has seen: counts, and times on the connection's clock (elapsed since it connected).</summary>
/// <param name="Reads">How many reads brought bytes from the peer so far.</param>
/// <param name="WriteStartedAt">When the write now under way began; null when the writer is not writing.</param>
/// <param name="Stalled">Whether the receive loop has stopped reading now (a handler runs on it, or one is behind).</param>
/// <param name="StallChanges">How many times the receive loop stopped or went on reading so far.</param>
/// <param name="MessageStartedAt">When the first byte of the message now arriving came; null between messages.</param>
internal readonly record struct LivenessSnapshot(
    long Reads, TimeSpan? WriteStartedAt, bool Stalled, long StallChanges, TimeSpan? MessageStartedAt);

/// <summary>What the keepalive loop does next.</summary>
internal readonly record struct KeepAliveVerdict(KeepAliveAction Action, TimeSpan Until = default, DisconnectReason? Reason = null, int CloseCode = 0);

internal enum KeepAliveAction
{
    /// <summary>Nothing is due: wait until <see cref="KeepAliveVerdict.Until"/> and ask again.</summary>
    Wait,

    /// <summary>A ping is due: queue it (and report it with <see cref="KeepAliveMonitor.OnPingQueued"/>), then ask again.</summary>
    SendPing,

    /// <summary>The peer is dead: drop the connection with <see cref="KeepAliveVerdict.Reason"/>.</summary>
    Dead,

    /// <summary>The peer broke a limit: close with <see cref="KeepAliveVerdict.CloseCode"/> for <see cref="KeepAliveVerdict.Reason"/>.</summary>
    Fail,
}

/// <summary>
/// Contract row 9 and its limits, with no I/O and no clock of its own: fed what the connection saw and asked what is
/// next. A ping every <c>interval</c>; the peer is dead when nothing arrives within <c>timeout</c> of a ping that is
/// owed (queued, whether or not the writer could put it on the wire), or else when one write has not completed within
/// <c>timeout</c> (the peer stopped reading: a connected but deaf socket). Time in which the client itself stopped
/// reading, its handler behind, does not count against the peer. Separately, a message that takes longer than
/// <c>messageTimeout</c> from its first byte to its last fails the connection (1008).
/// </summary>
/// <remarks>Owned by one keepalive loop; not thread-safe.</remarks>
internal sealed class KeepAliveMonitor(TimeSpan interval, TimeSpan timeout, TimeSpan messageTimeout)
{
    private readonly TimeSpan _interval = interval;
    private readonly bool _pinging = interval != Timeout.InfiniteTimeSpan;
    private readonly bool _timingMessages = messageTimeout != Timeout.InfiniteTimeSpan;
    private TimeSpan _nextPing = interval;
    private TimeSpan? _pingOwedSince;
    private long _readsWhenOwed;
    private long _stallChangesWhenOwed;

    /// <summary>Whether there is anything to watch at all.</summary>
    public static bool IsNeeded(TimeSpan interval, TimeSpan messageTimeout) =>
        interval != Timeout.InfiniteTimeSpan || messageTimeout != Timeout.InfiniteTimeSpan;

    public KeepAliveVerdict Next(TimeSpan now, in LivenessSnapshot seen)
    {
        TimeSpan until = TimeSpan.MaxValue;
        if (_pinging)
        {
            if (_pingOwedSince is { } owed)
            {
                bool heard = seen.Reads != _readsWhenOwed;
                bool weStalled = seen.Stalled || seen.StallChanges != _stallChangesWhenOwed;
                if (heard || weStalled)
                {
                    _pingOwedSince = null;
                }
                else if (now - owed >= timeout)
                {
                    return new(KeepAliveAction.Dead, Reason: DisconnectReason.KeepAliveTimeout(timeout));
                }
                else
                {
                    until = Min(until, owed + timeout);
                }
            }

            if (seen.WriteStartedAt is { } writing)
            {
                if (now - writing >= timeout)
                {
                    return new(KeepAliveAction.Dead, Reason: DisconnectReason.KeepAliveTimeout(timeout,
                        $"keepalive timeout: a write has not completed within {Seconds(timeout)} s; the peer stopped reading"));
                }

                until = Min(until, writing + timeout);
            }

            if (now >= _nextPing)
            {
                return new(KeepAliveAction.SendPing);
            }

            until = Min(until, _nextPing);
        }

        if (_timingMessages && seen.MessageStartedAt is { } began)
        {
            if (now - began >= messageTimeout)
            {
                return new(KeepAliveAction.Fail, CloseCode: 1008, Reason: DisconnectReason.ProtocolError(
                    $"the peer took more than {Seconds(messageTimeout)} s to send one message (MessageTimeout); closed with 1008", 1008));
            }

            until = Min(until, began + messageTimeout);
        }
        else if (_timingMessages)
        {
            until = Min(until, now + messageTimeout); // a message that begins now is due no sooner
        }

        return new(KeepAliveAction.Wait, until);
    }

    /// <summary>
    /// The ping <see cref="Next"/> asked for is queued at <paramref name="now"/>; <paramref name="seen"/> is what the
    /// connection had seen before it was queued (what comes after it answers it).
    /// </summary>
    public void OnPingQueued(TimeSpan now, in LivenessSnapshot seen)
    {
        if (_pingOwedSince is null)
        {
            _pingOwedSince = now;
            _readsWhenOwed = seen.Reads;
            _stallChangesWhenOwed = seen.StallChanges;
        }

        _nextPing = now + _interval;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
