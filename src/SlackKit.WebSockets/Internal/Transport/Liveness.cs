using SlackKit.WebSockets.Internal.Protocol;

namespace SlackKit.WebSockets.Internal.Transport;

/// <summary>
/// What the receive loop and the writer have seen of the peer, for the keepalive loop to judge
/// (<see cref="KeepAliveMonitor"/>). Each field has one writer and is read by the keepalive loop only. What the
/// monitor only compares with the moment a ping was queued (did bytes arrive since? did the loop stop reading since?)
/// is counted, not timed: the receive loop marks every inline handler as a stall, and two clock reads per message cost
/// 4 % of a fan-in's CPU. What is timed (a write under way, a message arriving) uses <see cref="TimeProvider"/>
/// timestamps, 0 meaning "not now".
/// </summary>
internal sealed class Liveness(TimeProvider time)
{
    private readonly long _origin = time.GetTimestamp();

    // Written by the receive loop.
    private long _reads;
    private long _stallChanges;
    private bool _stalled;
    private long _messageStartedAt;

    // Written by the writer.
    private long _writeStartedAt;

    public TimeProvider Time => time;

    /// <summary>The connection's clock: time since it connected.</summary>
    public TimeSpan Now => time.GetElapsedTime(_origin);

    /// <summary>Bytes arrived from the peer.</summary>
    public void OnInbound() => Volatile.Write(ref _reads, _reads + 1);

    /// <summary>The receive loop stopped reading: a handler runs on it, or the receive queue is full.</summary>
    public void OnStallBegan()
    {
        Volatile.Write(ref _stalled, true);
        Volatile.Write(ref _stallChanges, _stallChanges + 1);
    }

    public void OnStallEnded()
    {
        if (_stalled)
        {
            Volatile.Write(ref _stalled, false);
            Volatile.Write(ref _stallChanges, _stallChanges + 1);
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
        Volatile.Read(ref _reads),
        Since(Volatile.Read(ref _writeStartedAt)),
        Volatile.Read(ref _stalled),
        Volatile.Read(ref _stallChanges),
        Since(Volatile.Read(ref _messageStartedAt)));

    private TimeSpan? Since(long timestamp) => timestamp == 0 ? null : time.GetElapsedTime(_origin, timestamp);
}
