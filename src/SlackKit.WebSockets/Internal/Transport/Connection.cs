using Microsoft.Extensions.Logging;
using SlackKit.WebSockets.Internal.Protocol;

namespace SlackKit.WebSockets.Internal.Transport;

/// <summary>What a <see cref="Connection"/> tells the client that owns it.</summary>
internal interface IConnectionOwner
{
    /// <summary>A whole message, a ping or pong, or the peer's close (which the owner answers with <see cref="Connection.AnswerClose"/>), in arrival order.</summary>
    void OnReceived(Connection connection, Received message);

    /// <summary>
    /// A small data message, read in place (<see cref="Received.Borrowed"/>), offered to run on the receive loop now,
    /// when nothing else is to be handled first. <see cref="InlineOutcome.NotTaken"/> leaves it with the caller.
    /// </summary>
    InlineOutcome TryHandleInline(Connection connection, Received message);

    /// <summary>The connection must close with <paramref name="close"/> once the messages handed on so far are handled (their replies go first).</summary>
    void CloseInOrder(Connection connection, WebSocketFrame close);

    /// <summary>The connection is over: called once, after the last <see cref="OnReceived"/>.</summary>
    void OnEnded(Connection connection, DisconnectReason reason);

    /// <summary>Where the connection's loops log (the client's category).</summary>
    ILogger Logger { get; }
}

/// <summary>
/// One connection's life: the upgrade, then three loops over the upgraded stream: the <see cref="ReceivePump"/>,
/// the <see cref="Writer"/> and, when asked for, the keepalive loop (<see cref="KeepAliveMonitor"/>); then the end,
/// which waits for the close handshake (<see cref="CloseHandshake"/>) as long as <see cref="WebSocketClientOptions.CloseTimeout"/>
/// allows, lets the writer finish, and tells the owner why it ended. It knows nothing of handlers.
/// </summary>
/// <remarks>
/// Shared between the loops: the <see cref="SendQueue"/> (any thread adds, the writer takes), the
/// <see cref="CloseHandshake"/> and the <see cref="Liveness"/> timestamps, each thread-safe and documented where it
/// is declared; <see cref="_closeQueued"/> and <see cref="_aborted"/> below. All else is owned by one loop.
/// </remarks>
internal sealed class Connection : IReceiveSink
{
    private readonly Stream _stream;
    private readonly WebSocketClientOptions _options;
    private readonly IConnectionOwner _owner;
    private readonly CloseHandshake _handshake = new();
    private readonly SendQueue _queue;
    private readonly CreditGate _credits;
    private readonly Liveness _liveness;
    private readonly Writer _writer;
    private readonly ReceivePump _pump;
    private readonly CancellationTokenSource _ended = new(); // ends the keepalive loop and the close timer
    private readonly TaskCompletionSource _closeQueued = new(TaskCreationOptions.RunContinuationsAsynchronously); // our close frame is queued
    private Task _writing = Task.CompletedTask;
    private Task _running = Task.CompletedTask;
    private int _aborted;

    private Connection(Upgraded upgraded, WebSocketClientOptions options, IConnectionOwner owner)
    {
        Interlocked.Increment(ref Live.Connections);
        _stream = upgraded.Stream;
        SubProtocol = upgraded.SubProtocol;
        _options = options;
        _owner = owner;
        _queue = new SendQueue(options.SendQueueCapacity, options.TimeProvider);
        _credits = new CreditGate(options.ReceiveQueueCapacity);
        _liveness = new Liveness(options.TimeProvider);
        _writer = new Writer(_stream, _queue, _handshake, _liveness, OnWriteFailed);
        _pump = new ReceivePump(_stream, options, _credits, _queue, _handshake, _liveness, this, owner.Logger);
    }

    /// <summary>The sub-protocol the server chose, if any was asked for.</summary>
    public string? SubProtocol { get; }

    /// <summary>Our close frame is queued (or the connection is over): nothing more is accepted for sending.</summary>
    public bool IsClosing => _queue.IsClosed;

    /// <summary>The client itself asked for the close: messages received but not yet handled are dropped.</summary>
    public bool DropsQueuedFrames => _handshake.DropsUnhandled;

    /// <summary>Completes once the connection is over and <see cref="IConnectionOwner.OnEnded"/> has been called.</summary>
    public Task Ended => _running;

    /// <summary>Pings and pongs answered (or seen) but not delivered: the handler was that far behind.</summary>
    public long ControlFramesNotDelivered => _pump.ControlFramesNotDelivered;

    /// <summary>Frames accepted for sending that were never written.</summary>
    public long DroppedFrames => _writer.Dropped;

    /// <summary>
    /// Connects, or returns why it could not. <paramref name="attempt"/> ends the attempt: cancelled by the owner when it
    /// stops, or after <see cref="WebSocketClientOptions.ConnectTimeout"/>. Throws <see cref="OperationCanceledException"/>
    /// only when <paramref name="stopping"/> is cancelled (the client is stopping).
    /// </summary>
    public static async Task<(Connection? Connection, DisconnectReason? Failure)> ConnectAsync(
        Uri url, WebSocketClientOptions options, IConnectionOwner owner, Action<SocketsHttpHandler>? onHandler,
        CancellationToken attempt, CancellationToken stopping)
    {
        Upgraded upgraded;
        try
        {
            upgraded = await Upgrade.ConnectAsync(url, options, onHandler, attempt).ConfigureAwait(false);
        }
        catch (UpgradeFailedException ex)
        {
            return (null, ex.Reason);
        }
        catch (OperationCanceledException ex) when (!stopping.IsCancellationRequested && attempt.IsCancellationRequested)
        {
            return (null, DisconnectReason.TransportError(new TimeoutException(
                $"The WebSocket handshake with {Redaction.Url(url)} did not complete within {options.ConnectTimeout.TotalSeconds:0.###} s (ConnectTimeout).", ex)));
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            return (null, DisconnectReason.TransportError(ex));
        }

        var connection = new Connection(upgraded, options, owner);
        connection.Start();
        return (connection, null);
    }

    private void Start()
    {
        _writing = _writer.RunAsync();
        _running = RunAsync();
        if (KeepAliveMonitor.IsNeeded(_options.KeepAlive, _options.MessageTimeout))
        {
            _ = RunKeepAliveAsync();
        }
    }

    // ---------------------------------------------------------------- sending

    /// <summary>Queues <paramref name="frame"/> without waiting; false when the queue is full or the connection is closing.</summary>
    public bool TryEnqueue(WebSocketFrame frame)
    {
        if (frame.Kind == WebSocketFrameKind.Close)
        {
            // A cast close frame begins the close handshake, as a handler's Close does (contract row 6).
            return BeginClose(frame, cause: null);
        }

        if (_writer.TryWriteNow(frame, CastIdle) is { } now)
        {
            // Nothing written for a while, nothing queued: written on the caller's thread, no hand-off to the writer.
            // Accepted, as a queued cast is: a write that fails is counted as dropped by the writer (as the writer's
            // own would be), and one the socket does not take at once finishes alone.
            if (now.IsCompletedSuccessfully)
            {
                now.GetAwaiter().GetResult(); // consumed, as a pooled source wants
            }
            else
            {
                _ = ObserveAsync(now);
            }

            return true;
        }

        return _queue.TryAdd(new Outgoing(frame));
    }

    /// <summary>
    /// How long the writer must have been idle for a cast to be written on the caller's thread: 5 µs, more than the gap
    /// between the casts of a burst (a loop casting: the writer batches them), less than the gap between a
    /// write and the next request after its answer (the fastest loopback round trips measured here take 14-25 µs, the
    /// write included). At 20 µs, in rounds that fast, up to half the requests queued for the writer (1.1-1.6 work
    /// items per round trip instead of 1.0).
    /// </summary>
    internal static readonly TimeSpan CastIdle = TimeSpan.FromMicroseconds(5);

    private static async Task ObserveAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Counted as dropped by the writer.
        }
    }

    /// <summary>
    /// Queues <paramref name="frame"/>, waiting for room; false when it is not accepted (the connection is closing or
    /// over). <paramref name="written"/>, when given, completes once the frame is on the wire; the writer's hold on it
    /// is let go here when the frame is not queued.
    /// </summary>
    public ValueTask<bool> EnqueueAsync(WebSocketFrame frame, SendCompletion? written, CancellationToken cancellationToken)
    {
        if (frame.Kind == WebSocketFrameKind.Close)
        {
            bool began = BeginClose(frame, cause: null);
            if (written is not null)
            {
                written.TrySetResult(); // a close frame's send is the close handshake's beginning
                written.ReleaseByWriter();
            }

            return new ValueTask<bool>(began);
        }

        return _queue.AddAsync(new Outgoing(frame, written), cancellationToken);
    }

    /// <summary>
    /// Queues <paramref name="frame"/>, waiting for room, and completes once it is written. Allocates nothing when the
    /// queue has room (the completion is pooled).
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection closed before the frame was written.</exception>
    public ValueTask SendAsync(WebSocketFrame frame, CancellationToken cancellationToken)
    {
        if (!cancellationToken.IsCancellationRequested && _writer.TryWriteNow(frame) is { } now)
        {
            return now; // nothing queued, nothing being written: written on this thread (see Writer.TryWriteNow)
        }

        SendCompletion written = SendCompletion.Rent();
        written.CancelWith(cancellationToken);
        ValueTask<bool> queued;
        try
        {
            queued = EnqueueAsync(frame, written, cancellationToken);
        }
        catch (Exception ex)
        {
            return NotQueued(written, ex);
        }

        if (!queued.IsCompletedSuccessfully)
        {
            return SendWhenQueuedAsync(queued, written);
        }

        return queued.Result ? written.Task : NotQueued(written, null);
    }

    private static async ValueTask SendWhenQueuedAsync(ValueTask<bool> queued, SendCompletion written)
    {
        bool accepted;
        try
        {
            accepted = await queued.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await NotQueued(written, ex).ConfigureAwait(false);
            return;
        }

        await (accepted ? written.Task : NotQueued(written, null)).ConfigureAwait(false);
    }

    /// <summary>The frame was not queued: the caller's wait ends with why.</summary>
    private static ValueTask NotQueued(SendCompletion written, Exception? error)
    {
        written.TrySetException(error ?? new InvalidOperationException("The connection is closing or over; the frame was not sent."));
        written.ReleaseUnqueued();
        return written.Task;
    }

    // ---------------------------------------------------------------- closing

    /// <summary>
    /// Begins the close handshake from this side with <paramref name="closeFrame"/> (contract row 6): it is written
    /// after what is queued, the peer's close is awaited for <see cref="WebSocketClientOptions.CloseTimeout"/>, then
    /// the connection is dropped. <paramref name="cause"/>, when given, is the reason the owner is told. When
    /// <paramref name="dropUnhandled"/>, messages received but not yet handled are dropped. False when a close was
    /// under way already.
    /// </summary>
    public bool BeginClose(WebSocketFrame closeFrame, DisconnectReason? cause, bool dropUnhandled = true)
    {
        if (!_handshake.TryBeginLocal(closeFrame.CloseCode, closeFrame.CloseReason, cause, dropUnhandled))
        {
            return false;
        }

        QueueClose(closeFrame);
        _credits.Close(); // a receive loop waiting for room reads on, discarding, until the peer's close
        _ = AbortAfterAsync(_options.CloseTimeout); // a peer that never answers is dropped
        return true;
    }

    /// <summary>Answers the peer's close (contract row 5) with its code, after what is queued; once only.</summary>
    public void AnswerClose()
    {
        if (_handshake.TryAnswer() is { } answer)
        {
            QueueClose(answer);
        }
    }

    private void QueueClose(WebSocketFrame closeFrame)
    {
        _queue.TryAddClose(closeFrame);
        _closeQueued.TrySetResult();
    }

    /// <summary>Drops the connection at once, without a close handshake.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            _stream.Dispose(); // a read or write under way fails; the loops end
            _credits.Close(); // and a receive loop waiting for mailbox room (not on the stream) sees it at once
        }
    }

    private async Task AbortAfterAsync(TimeSpan delay)
    {
        Interlocked.Increment(ref Live.CloseTimers);
        try
        {
            await Task.Delay(delay, _options.TimeProvider, _ended.Token).ConfigureAwait(false);
            Abort();
        }
        catch (OperationCanceledException)
        {
            // The connection ended first: the peer answered in time.
        }
        finally
        {
            Interlocked.Decrement(ref Live.CloseTimers);
        }
    }

    private void OnWriteFailed(Exception exception)
    {
        _handshake.TrySetCause(DisconnectReason.TransportError(exception));
        Abort();
    }

    // ---------------------------------------------------------------- what the receive loop hands on

    void IReceiveSink.Deliver(Received message) => HandOn(message);

    void IReceiveSink.DeliverClose(Received close) => HandOn(close);

    InlineOutcome IReceiveSink.TryDeliverInline(Received message)
    {
        _liveness.OnStallBegan();
        try
        {
            return _owner.TryHandleInline(this, message);
        }
        finally
        {
            _liveness.OnStallEnded();
        }
    }

    /// <summary>
    /// Hands a message to the owner, which may run its handler right here on the receive loop (inline): while it
    /// runs nothing is read, and that time is the client's own, not the peer's silence (contract row 9).
    /// </summary>
    private void HandOn(Received message)
    {
        _liveness.OnStallBegan();
        try
        {
            _owner.OnReceived(this, message);
        }
        finally
        {
            _liveness.OnStallEnded();
        }
    }

    void IReceiveSink.OnViolation(ProtocolViolation violation)
    {
        _handshake.TrySetCause(violation.IsTooBig
            ? DisconnectReason.MessageTooBig(violation.TooBigSize, _options.MaxMessageSize)
            : DisconnectReason.ProtocolError($"{violation.What}; closed with {violation.CloseCode}", violation.CloseCode));
        _owner.CloseInOrder(this, WebSocketFrame.Close(violation.CloseCode, violation.IsTooBig ? "message too big" : null));
    }

    // ---------------------------------------------------------------- the end

    /// <summary>Runs the receive loop, then ends the connection and tells the owner why.</summary>
    private async Task RunAsync()
    {
        await Loop.Start;
        Interlocked.Increment(ref Live.Receivers);
        PumpEnd end = await _pump.RunAsync().ConfigureAwait(false);
        if (end is PumpEnd.RemoteClose or PumpEnd.Violation && !_handshake.IsComplete)
        {
            // Our close frame follows the replies to what came before (the mailbox queues it in order), or, when the
            // handlers take longer than CloseTimeout, is queued here.
            if (!await CompletesWithinAsync(_closeQueued.Task, _options.CloseTimeout).ConfigureAwait(false))
            {
                if (end == PumpEnd.RemoteClose)
                {
                    AnswerClose();
                }
                else
                {
                    ProtocolViolation violation = _pump.Violation!;
                    BeginClose(WebSocketFrame.Close(violation.CloseCode), cause: null, dropUnhandled: false);
                }
            }
        }

        // What is queued is written (our close last); after it, or after a failure, nothing is.
        _queue.Complete();
        if (!await CompletesWithinAsync(_writing, _options.CloseTimeout).ConfigureAwait(false))
        {
            Abort(); // the peer stopped reading
        }

        await _writing.ConfigureAwait(false);
        if (end is PumpEnd.RemoteClose or PumpEnd.Violation && Volatile.Read(ref _aborted) == 0)
        {
            await _pump.DrainAsync(Min(_options.CloseTimeout, LingerLimit), _options.TimeProvider).ConfigureAwait(false);
        }

        Abort();
        _ended.Cancel();
        DisconnectReason reason = _handshake.GetReason(() => end == PumpEnd.EndOfStream
            ? DisconnectReason.TransportError(new EndOfStreamException("The peer ended the connection without a close frame."))
            : DisconnectReason.TransportError(_pump.Failure ?? new IOException("The connection ended.")));
        Interlocked.Decrement(ref Live.Connections);
        Interlocked.Decrement(ref Live.Receivers);
        _owner.OnEnded(this, reason);
    }

    /// <summary>How long, at most, the peer is given to close TCP after the close handshake (see <see cref="ReceivePump.DrainAsync"/>).</summary>
    private static readonly TimeSpan LingerLimit = TimeSpan.FromMilliseconds(500);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout, _options.TimeProvider).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    // ---------------------------------------------------------------- keepalive

    /// <summary>
    /// Contract row 9: asks the <see cref="KeepAliveMonitor"/> what is due, does it, and waits until the next thing is.
    /// </summary>
    private async Task RunKeepAliveAsync()
    {
        await Loop.Start;
        Interlocked.Increment(ref Live.KeepAlives);
        var monitor = new KeepAliveMonitor(_options.KeepAlive, _options.KeepAliveTimeout, _options.MessageTimeout);
        CancellationToken ended = _ended.Token;
        try
        {
            while (!ended.IsCancellationRequested)
            {
                TimeSpan now = _liveness.Now;
                LivenessSnapshot seen = _liveness.Snapshot();
                KeepAliveVerdict verdict = monitor.Next(now, seen);
                switch (verdict.Action)
                {
                    case KeepAliveAction.Wait:
                        TimeSpan wait = verdict.Until - now;
                        if (wait > TimeSpan.Zero)
                        {
                            await Wait.AtLeast(wait, _options.TimeProvider, ended).ConfigureAwait(false);
                        }

                        break;
                    case KeepAliveAction.SendPing:
                        // Owed from now, whether or not the writer can put it on the wire (a blocked writer cannot).
                        _queue.TryAddControl(Opcode.Ping, []);
                        monitor.OnPingQueued(now, seen);
                        break;
                    case KeepAliveAction.Dead:
                        _handshake.TrySetCause(verdict.Reason!);
                        Abort();
                        return;
                    case KeepAliveAction.Fail:
                        BeginClose(WebSocketFrame.Close(verdict.CloseCode, "message took too long"), verdict.Reason, dropUnhandled: false);
                        return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The connection ended.
        }
        finally
        {
            Interlocked.Decrement(ref Live.KeepAlives);
        }
    }
}
