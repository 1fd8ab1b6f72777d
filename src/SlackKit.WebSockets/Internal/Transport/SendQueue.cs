using SlackKit.WebSockets.Internal.Protocol;

namespace SlackKit.WebSockets.Internal.Transport;

/// <summary>A frame waiting to be written, with the task of a <c>SendAsync</c> caller, if any.</summary>
internal readonly record struct Outgoing(WebSocketFrame Frame, SendCompletion? Written = null);

/// <summary>What <see cref="SendQueue.TryAddControl"/> did.</summary>
internal enum ControlAdd
{
    Added,

    /// <summary>The control lane is full: wait with <see cref="SendQueue.WaitForControlRoomAsync"/> and try again.</summary>
    Full,

    /// <summary>Our close is queued (nothing may follow it) or the connection is over.</summary>
    Closed,
}

/// <summary>
/// Everything one connection will write, for its one writer: the frames the application sends (<c>Cast</c>,
/// <c>SendAsync</c>, replies), in the order they were added, bounded by <see cref="WebSocketClientOptions.SendQueueCapacity"/>;
/// the close frame, which needs no room and after which nothing is taken; and a lane of control frames the
/// connection writes on its own (pongs that answer pings, keepalive pings), written first at the next frame boundary
/// so that a backlog of messages cannot delay them.
/// </summary>
/// <remarks>
/// Thread-safe: any thread adds; the writer is the one reader. Its state is guarded by the signal's gate. The
/// writer waits allocation-free (<see cref="AsyncSignal"/>); callers waiting for room are rare and get a task each.
/// The queue also holds the write token: one writer to the stream at a time, either the writer loop (for a burst)
/// or a <c>SendAsync</c> caller that finds nothing queued and nothing being written, and writes its frame itself
/// (<see cref="TryBeginWriteNow"/>), as a raw <c>ClientWebSocket</c> caller does: no hand-off to the writer's thread.
/// </remarks>
internal sealed class SendQueue(int capacity, TimeProvider? clock = null) : AsyncSignal
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>How many control frames may wait; the receive loop waits for room past that (it stops reading).</summary>
    public const int ControlSlots = 32;

    private const int ControlSlotSize = 1 + WebSocketFrame.MaxControlPayloadLength + 1; // opcode, length, payload

    private Outgoing[] _items = new Outgoing[1]; // grows as needed up to the capacity (and one for the close)
    private int _head;
    private int _count;
    private int _taken; // taken by the writer, not yet written: they hold their room until they are
    private bool _closeQueued;
    private bool _completed;
    private bool _writing; // the write token: the writer loop during a burst, or a caller writing its frame itself
    private byte[]? _control; // made at the first control frame
    private int _controlHead;
    private int _controlCount;
    private Queue<TaskCompletionSource<bool>>? _roomWaiters;
    private TaskCompletionSource? _controlRoomWaiter;

    /// <summary>Our close frame is queued, or the connection is over: nothing more is taken.</summary>
    public bool IsClosed
    {
        get
        {
            lock (Gate)
            {
                return _closeQueued || _completed;
            }
        }
    }

    /// <summary>Adds a frame if there is room; false when the queue is full or closed.</summary>
    public bool TryAdd(in Outgoing item)
    {
        bool wake;
        lock (Gate)
        {
            if (_closeQueued || _completed || !HasRoomUnderGate)
            {
                return false;
            }

            Push(item);
            wake = TakeWaiterUnderGate();
        }

        if (wake)
        {
            Wake();
        }

        return true;
    }

    /// <summary>Adds a frame, waiting for room; false when the queue is (or becomes) closed.</summary>
    public ValueTask<bool> AddAsync(Outgoing item, CancellationToken cancellationToken) =>
        TryAdd(item) ? new ValueTask<bool>(true) : WaitAndAddAsync(item, cancellationToken);

    private async ValueTask<bool> WaitAndAddAsync(Outgoing item, CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource<bool> room;
            bool wake;
            lock (Gate)
            {
                if (_closeQueued || _completed)
                {
                    return false;
                }

                if (HasRoomUnderGate)
                {
                    Push(item);
                    wake = TakeWaiterUnderGate();
                    room = null!;
                }
                else
                {
                    wake = false;
                    room = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                    (_roomWaiters ??= new()).Enqueue(room);
                }
            }

            if (room is null)
            {
                if (wake)
                {
                    Wake();
                }

                return true;
            }

            try
            {
                if (!await room.Task.WaitAsync(cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
            }
            catch (OperationCanceledException)
            {
                lock (Gate)
                {
                    // Out of the line (a later wake-up skips it), passing on a wake-up it had already been given.
                    if (!room.TrySetCanceled() && room.Task.Result)
                    {
                        WakeRoomWaiterUnderGate();
                    }
                }

                throw;
            }
        }
    }

    /// <summary>
    /// Adds our close frame, which needs no room; after it nothing is taken. False when a close is queued already or
    /// the connection is over.
    /// </summary>
    public bool TryAddClose(WebSocketFrame close)
    {
        bool wake;
        lock (Gate)
        {
            if (_closeQueued || _completed)
            {
                return false;
            }

            _closeQueued = true;
            Push(new Outgoing(close));
            ReleaseRoomWaitersUnderGate();
            wake = TakeWaiterUnderGate();
        }

        if (wake)
        {
            Wake();
        }

        return true;
    }

    /// <summary>Adds a control frame to the lane the writer takes first.</summary>
    public ControlAdd TryAddControl(Opcode opcode, ReadOnlySpan<byte> payload)
    {
        bool wake;
        lock (Gate)
        {
            if (_closeQueued || _completed)
            {
                return ControlAdd.Closed;
            }

            if (_controlCount == ControlSlots)
            {
                return ControlAdd.Full;
            }

            _control ??= new byte[ControlSlots * ControlSlotSize];
            Span<byte> slot = _control.AsSpan(((_controlHead + _controlCount) % ControlSlots) * ControlSlotSize, ControlSlotSize);
            slot[0] = (byte)opcode;
            slot[1] = (byte)payload.Length;
            payload.CopyTo(slot[2..]);
            _controlCount++;
            wake = TakeWaiterUnderGate();
        }

        if (wake)
        {
            Wake();
        }

        return ControlAdd.Added;
    }

    /// <summary>Completes once the control lane has room again, or the queue is over. One waiter: the receive loop.</summary>
    public Task WaitForControlRoomAsync()
    {
        lock (Gate)
        {
            if (_controlCount < ControlSlots || _completed)
            {
                return Task.CompletedTask;
            }

            _controlRoomWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _controlRoomWaiter.Task;
        }
    }

    /// <summary>The connection is over: nothing more is added; the writer takes what is left (to drop it) and ends.</summary>
    public void Complete()
    {
        bool wake;
        lock (Gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            ReleaseRoomWaitersUnderGate();
            _controlRoomWaiter?.TrySetResult();
            _controlRoomWaiter = null;
            wake = TakeWaiterUnderGate();
        }

        if (wake)
        {
            Wake();
        }
    }

    // ---------------------------------------------------------------- the writer's side

    /// <summary>True when something can be taken; false once the queue is completed and empty.</summary>
    /// <remarks>
    /// Not while a caller writes its frame itself: its end (<see cref="EndWriteNow"/>) wakes the writer when something
    /// was queued meanwhile. The writer claims the write token with <see cref="TryBeginBurst"/>.
    /// </remarks>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (Gate)
        {
            if ((_count > 0 || _controlCount > 0) && !_writing)
            {
                return new ValueTask<bool>(true);
            }

            return _completed && !_writing ? new ValueTask<bool>(false) : WaitUnderGate();
        }
    }

    /// <summary>The writer takes the write token for a burst; false when a caller holds it (wait again).</summary>
    public bool TryBeginBurst()
    {
        lock (Gate)
        {
            if (_writing)
            {
                return false;
            }

            _writing = true;
            return true;
        }
    }

    /// <summary>The writer's burst is over: the token is free.</summary>
    public void EndBurst()
    {
        lock (Gate)
        {
            _writing = false;
            _lastWriteEnded = _clock.GetTimestamp();
        }
    }

    private long _lastWriteEnded; // under Gate: when the last write (burst or caller's own) ended

    /// <summary>
    /// Like <see cref="TryBeginWriteNow"/>, for a <c>Cast</c>: only when the last write ended at least
    /// <paramref name="idle"/> ago (on the connection's clock), so that casts that follow each other closely still go
    /// out together, batched by the writer, and a lone one (a request after its answer) needs no hand-off.
    /// </summary>
    public bool TryBeginWriteNowWhenIdle(TimeSpan idle)
    {
        lock (Gate)
        {
            // The clock last: a cast behind a busy writer or queued frames (a burst) is decided without reading it.
            if (!CanBeginWriteNowUnderGate() || _clock.GetElapsedTime(_lastWriteEnded) < idle)
            {
                return false;
            }

            TakeWriteNowUnderGate();
            return true;
        }
    }

    /// <summary>
    /// A data frame's caller may write it itself, now: nothing is queued or being written, there is room, no close is
    /// queued. Then it holds the write token and a place in the queue until <see cref="EndWriteNow"/>.
    /// </summary>
    public bool TryBeginWriteNow()
    {
        lock (Gate)
        {
            return TryBeginWriteNowUnderGate();
        }
    }

    private bool CanBeginWriteNowUnderGate() =>
        !_writing && _count == 0 && _controlCount == 0 && !_closeQueued && !_completed && HasRoomUnderGate;

    private bool TryBeginWriteNowUnderGate()
    {
        if (!CanBeginWriteNowUnderGate())
        {
            return false;
        }

        TakeWriteNowUnderGate();
        return true;
    }

    private void TakeWriteNowUnderGate()
    {
        _writing = true;
        _taken++;
    }

    /// <summary>The caller's own write is over: the token and its place are free, and the writer is woken if frames came meanwhile.</summary>
    public void EndWriteNow()
    {
        bool wake;
        lock (Gate)
        {
            _writing = false;
            _lastWriteEnded = _clock.GetTimestamp();
            _taken--;
            WakeRoomWaiterUnderGate();
            wake = (_count > 0 || _controlCount > 0 || _completed) && TakeWaiterUnderGate();
        }

        if (wake)
        {
            Wake();
        }
    }

    /// <summary>The longest control frame: header, mask key and 125 bytes of payload.</summary>
    public const int MaxControlFrameLength = 2 + 4 + WebSocketFrame.MaxControlPayloadLength;

    /// <summary>
    /// Takes the next control frame, encoded (masked) into <paramref name="destination"/>, which holds at least
    /// <see cref="MaxControlFrameLength"/> bytes.
    /// </summary>
    public bool TryTakeControl(Span<byte> destination, out int frameLength, out Opcode opcode, out int payloadLength)
    {
        lock (Gate)
        {
            if (_controlCount == 0)
            {
                frameLength = payloadLength = 0;
                opcode = default;
                return false;
            }

            ReadOnlySpan<byte> slot = _control.AsSpan(_controlHead * ControlSlotSize, ControlSlotSize);
            opcode = (Opcode)slot[0];
            payloadLength = slot[1];
            frameLength = FrameEncoder.EncodeControl(opcode, slot.Slice(2, payloadLength), destination);
            _controlHead = (_controlHead + 1) % ControlSlots;
            _controlCount--;
            if (_controlRoomWaiter is { } waiter)
            {
                _controlRoomWaiter = null;
                waiter.TrySetResult();
            }

            return true;
        }
    }

    /// <summary>Empties the control lane: after our close, or a failed write, no control frame can be written.</summary>
    public void DiscardControl()
    {
        lock (Gate)
        {
            _controlCount = 0;
            _controlRoomWaiter?.TrySetResult();
            _controlRoomWaiter = null;
        }
    }

    /// <summary>Takes the next frame, if any. It holds its room until <see cref="OnWritten"/> says it is written (or dropped).</summary>
    public bool TryTake(out Outgoing item)
    {
        lock (Gate)
        {
            if (_count == 0)
            {
                item = default;
                return false;
            }

            item = _items[_head];
            _items[_head] = default;
            _head = (_head + 1) % _items.Length;
            _count--;
            _taken++;
            return true;
        }
    }

    /// <summary><paramref name="frames"/> taken frames are written (or dropped): their room goes to callers waiting for some.</summary>
    public void OnWritten(int frames)
    {
        if (frames == 0)
        {
            return;
        }

        lock (Gate)
        {
            _taken -= frames;
            WakeRoomWaiterUnderGate();
        }
    }

    /// <summary>Frames queued or being written, against the capacity (a close frame needs no room).</summary>
    private bool HasRoomUnderGate => _count + _taken < capacity;

    protected override bool ResultOnWake() => _count > 0 || _controlCount > 0 || !_completed || _writing;

    private void Push(in Outgoing item)
    {
        if (_count == _items.Length)
        {
            var larger = new Outgoing[Math.Min(_items.Length * 2, capacity + 1)]; // one more: the close
            for (int i = 0; i < _count; i++)
            {
                larger[i] = _items[(_head + i) % _items.Length];
            }

            _items = larger;
            _head = 0;
        }

        _items[(_head + _count) % _items.Length] = item;
        _count++;
    }

    private void WakeRoomWaiterUnderGate()
    {
        while (_roomWaiters is { Count: > 0 } waiters && HasRoomUnderGate)
        {
            if (waiters.Dequeue().TrySetResult(true))
            {
                return;
            }
        }
    }

    private void ReleaseRoomWaitersUnderGate()
    {
        while (_roomWaiters is { Count: > 0 } waiters)
        {
            waiters.Dequeue().TrySetResult(false);
        }
    }
}
