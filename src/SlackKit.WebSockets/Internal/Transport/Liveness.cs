using SlackKit.WebSockets.Internal.Protocol;

namespace SlackKit.WebSockets.Internal.Transport;

/// <summary>
/// What the receive loop and the writer have seen of the peer, as <see cref="TimeProvider"/> timestamps, for the
/// keepalive loop to judge (<see cref="KeepAliveMonitor"/>). Each field has one writer and is read by the keepalive
/// loop only; 0 means "not now" (no write under way, no stall, no message arriving).
/// </summary>
internal sealed class Liveness(TimeProvider time)
{
    private readonly long _origin = time.GetTimestamp();

    // Written by the receive loop.
    private long _lastInbound;
    private long _stalledSince;
    private long _lastStallEnded;
    private long _messageStartedAt;

    // Written by the writer.
    private long _writeStartedAt;

    public TimeProvider Time => time;

    /// <summary>The connection's clock: time since it connected.</summary>
    public TimeSpan Now => time.GetElapsedTime(_origin);

    public void OnInbound() => Volatile.Write(ref _lastInbound, time.GetTimestamp());

    public void OnStallBegan() => Volatile.Write(ref _stalledSince, time.GetTimestamp());

    public void OnStallEnded()
    {
        if (Volatile.Read(ref _stalledSince) != 0)
        {
            Volatile.Write(ref _lastStallEnded, time.GetTimestamp());
            Volatile.Write(ref _stalledSince, 0);
        }
    }

    /// <summary>A message began to arrive and has not ended (called once per message that spans reads).</summary>
    public void OnMessageBegan()
    {
        if (Volatile.Read(ref _messageStartedAt) == 0)
        {
            Volatile.Write(ref _messageStartedAt, time.GetTimestamp());
        }
    }

    public void OnMessageEnded() => Volatile.Write(ref _messageStartedAt, 0);

    public void OnWriteBegan() => Volatile.Write(ref _writeStartedAt, time.GetTimestamp());

    public void OnWriteEnded() => Volatile.Write(ref _writeStartedAt, 0);

    public LivenessSnapshot Snapshot() => new(
        Since(Volatile.Read(ref _lastInbound)) ?? TimeSpan.Zero,
        Since(Volatile.Read(ref _writeStartedAt)),
        Since(Volatile.Read(ref _stalledSince)),
        Since(Volatile.Read(ref _lastStallEnded)) ?? TimeSpan.Zero,
        Since(Volatile.Read(ref _messageStartedAt)));

    private TimeSpan? Since(long timestamp) => timestamp == 0 ? null : time.GetElapsedTime(_origin, timestamp);
}
