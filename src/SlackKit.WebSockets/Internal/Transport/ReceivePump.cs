using Microsoft.Extensions.Logging;
using System.Buffers;
using System.Runtime.CompilerServices;
using SlackKit.WebSockets.Internal.Protocol;

namespace SlackKit.WebSockets.Internal.Transport;

/// <summary>How the receive loop ended.</summary>
internal enum PumpEnd
{
    /// <summary>The peer's close frame arrived (an answer to ours, or a close it began).</summary>
    RemoteClose,

    /// <summary>The peer broke the protocol or a limit; see <see cref="FrameReader.Violation"/>.</summary>
    Violation,

    /// <summary>The stream ended without a close frame.</summary>
    EndOfStream,

    /// <summary>A read failed (or the connection was aborted).</summary>
    Failed,
}

/// <summary>What the receive loop hands on, in arrival order.</summary>
internal interface IReceiveSink
{
    /// <summary>A whole message, or a ping or pong, for its handler.</summary>
    void Deliver(Received message);

    /// <summary>The peer began the close (contract row 5): its close goes to [OnClose], then is answered.</summary>
    void DeliverClose(Received close);

    /// <summary>A small whole data message, read in place, offered to run inline (see <see cref="IConnectionOwner.TryHandleInline"/>).</summary>
    InlineOutcome TryDeliverInline(Received message);

    /// <summary>The peer broke the protocol: the connection closes with the violation's code after what came before.</summary>
    void OnViolation(ProtocolViolation violation);
}

/// <summary>
/// The receive loop of one connection: reads what the peer sends into a pooled buffer, has the
/// <see cref="FrameReader"/> say what it is, and hands whole messages on in arrival order, each holding a place in
/// the receive queue (<see cref="CreditGate"/>) until its handler is done. It answers pings (through the
/// <see cref="SendQueue"/>'s control lane) as it reads them.
/// </summary>
/// <remarks>
/// <para>
/// Buffers: a read buffer that grows while reads fill it (4 KiB to 64 KiB) and goes back to the pool whenever the peer
/// has nothing more to send (the loop then waits with a zero-byte read, holding no buffer); a message that does not
/// fit in it, or comes in fragments, is put together in a buffer of its own, and a large frame is read straight into
/// that. A small message whose handler can run inline (nothing else waits to be handled) is handed on in place, in
/// the read buffer: if its handler is still running when the loop must read on, the handler keeps that buffer and the
/// loop reads on in a fresh one. Any other message is copied to a buffer of its size, which the handler gives back.
/// </para>
/// <para>
/// One loop; every field is its own, except the control allowance (given back through <see cref="IReceiveLease.Return"/>, from the mailbox), the lend state (see its declaration) and the
/// liveness timestamps it reports (read by the keepalive loop).
/// </para>
/// </remarks>
internal sealed class ReceivePump : IReceiveLease
{
    private const int MinBufferSize = 4 * 1024;
    private const int MaxBufferSize = 64 * 1024;

    /// <summary>Messages up to this size are offered to run inline, read in place (the client's own limit is the same).</summary>
    internal const int InlineLimit = 4 * 1024;

    // The read buffer lent to a handler running inline (a message read in place): the handler returns it when done,
    // or, if it is still running when the loop must read on, the loop gives it up to the handler and reads on in a
    // fresh one. Decided once per lend by whoever moves _lendState first: the receive loop (Lent -> GivenUp) or the
    // handler's thread (Lent -> Returned). _givenUpCredit is written by the loop before it moves the state.
    private const int NotLent = 0, Lent = 1, Returned = 2, GivenUp = 3;
    private int _lendState;
    private bool _givenUpCredit;

    private readonly Stream _stream;
    private readonly FrameReader _reader;
    private readonly CreditGate _credits;
    private readonly SendQueue _queue;
    private readonly CloseHandshake _handshake;
    private readonly Liveness _liveness;
    private readonly IReceiveSink _sink;
    private readonly ILogger _logger;
    private readonly int _controlAllowance;
    private readonly int _maxMessageSize;

    private byte[]? _buffer;
    private int _bufferSize = MinBufferSize;
    private int _start; // the first byte not yet consumed
    private int _end; // the end of what was read
    private byte[]? _message; // a message put together from pieces
    private int _messageLength;
    private int _controlInMailbox;
    private long _controlNotDelivered;

    public ReceivePump(Stream stream, WebSocketClientOptions options, CreditGate credits, SendQueue queue, CloseHandshake handshake, Liveness liveness, IReceiveSink sink, ILogger logger)
    {
        _stream = stream;
        _reader = new FrameReader(options.MaxMessageSize);
        _credits = credits;
        _queue = queue;
        _handshake = handshake;
        _liveness = liveness;
        _sink = sink;
        _logger = logger;
        _controlAllowance = options.ReceiveQueueCapacity;
        _maxMessageSize = options.MaxMessageSize;
    }

    /// <summary>Pings and pongs answered (or seen) but not delivered: the handler was that far behind.</summary>
    public long ControlFramesNotDelivered => Interlocked.Read(ref _controlNotDelivered);

    /// <summary>How the peer broke the protocol, when the loop ended with <see cref="PumpEnd.Violation"/>.</summary>
    public ProtocolViolation? Violation => _reader.Violation;

    /// <summary>The exception that ended the loop, with <see cref="PumpEnd.Failed"/>.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Reads until the peer's close, a violation, the end of the stream or a failure.</summary>
    public async Task<PumpEnd> RunAsync()
    {
        try
        {
            while (true)
            {
                if (_start == _end)
                {
                    // Everything read is consumed: wait for the peer holding no buffer (a zero-byte read, which
                    // completes at once when more has come). Even after a read that filled the buffer: the peer may
                    // have sent exactly that much, and an idle connection must not keep a buffer.
                    _start = _end = 0;
                    GiveBackBuffer();
                    await _stream.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                    _buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
                    Interlocked.Increment(ref Live.ReceiveBuffers);
                }

                int read = await _stream.ReadAsync(_buffer.AsMemory(_end)).ConfigureAwait(false);
                if (read == 0)
                {
                    return PumpEnd.EndOfStream;
                }

                _liveness.OnInbound();
                _end += read;
                AdaptBufferSize(read);

                PumpEnd? end = await ReadFramesAsync().ConfigureAwait(false);
                if (end is { } over)
                {
                    return over;
                }
            }
        }
        catch (Exception ex)
        {
            Failure = ex;
            return PumpEnd.Failed;
        }
        finally
        {
            _start = _end; // what is left is never read
            GiveBackBuffer();
            if (_message is not null)
            {
                ArrayPool<byte>.Shared.Return(_message);
                Interlocked.Decrement(ref Live.ReceiveBuffers);
                _message = null;
            }
        }
    }

    /// <summary>
    /// After both close frames: reads and discards what the peer still sends until it closes TCP, for at most
    /// <paramref name="limit"/>. RFC 6455 §7.1.1 has the server close TCP first; and a socket closed with unread input
    /// is reset, which can destroy our close frame before the peer reads it.
    /// </summary>
    public async Task DrainAsync(TimeSpan limit, TimeProvider time)
    {
        byte[] discard = ArrayPool<byte>.Shared.Rent(4096);
        using var deadline = new CancellationTokenSource(limit, time);
        try
        {
            while (await _stream.ReadAsync(discard, deadline.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The peer kept the connection open (Slack does, now and then), or it ended badly: either way, done.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(discard);
        }
    }

    /// <summary>Everything the buffer holds that can be read; null to read on.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<PumpEnd?> ReadFramesAsync()
    {
        while (true)
        {
            ReadEvent read = _reader.Read(_buffer.AsSpan(_start, _end - _start), _buffer!.Length, out int consumed, out ReadOnlySpan<byte> payload);
            _start += consumed;
            int payloadStart = _start - payload.Length; // every payload ends where the bytes consumed end
            int payloadLength = payload.Length;
            switch (read)
            {
                case ReadEvent.NeedMore:
                    KeepUnconsumed();
                    if (_reader.InMessage)
                    {
                        _liveness.OnMessageBegan();
                    }

                    if (_start == _end && _reader.FrameRemaining > 0)
                    {
                        await ReadFrameDirectlyAsync().ConfigureAwait(false);
                        if (_reader.Violation is not null)
                        {
                            return PumpEnd.Violation;
                        }
                    }

                    return null;
                case ReadEvent.Data:
                    await OnDataAsync(payloadStart, payloadLength).ConfigureAwait(false);
                    break;
                case ReadEvent.Ping:
                    await AnswerPingAsync(payloadStart, payloadLength).ConfigureAwait(false);
                    DeliverControl(WebSocketFrameKind.Ping, payloadStart, payloadLength);
                    break;
                case ReadEvent.Pong:
                    DeliverControl(WebSocketFrameKind.Pong, payloadStart, payloadLength);
                    break;
                case ReadEvent.Close:
                    ClientMetrics.MessagesReceived.Add(1, ClientMetrics.Kind(WebSocketFrameKind.Close));
                    if (_handshake.OnRemoteClose(_reader.CloseCode, _reader.CloseReason))
                    {
                        _sink.DeliverClose(Received.Close(_reader.CloseCode, _reader.CloseReason));
                    }

                    return PumpEnd.RemoteClose;
                case ReadEvent.Violation:
                    _sink.OnViolation(_reader.Violation!);
                    return PumpEnd.Violation;
            }
        }
    }

    /// <summary>A piece of a data message: the whole of it (handed on from the read buffer), or a part to put together.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask OnDataAsync(int payloadStart, int payloadLength)
    {
        if (_reader.IsMessageStart && _reader.IsMessageEnd)
        {
            await DeliverDataAsync(_buffer!, payloadStart, payloadLength).ConfigureAwait(false);
            return;
        }

        Append(_buffer.AsSpan(payloadStart, payloadLength));
        if (_reader.IsMessageEnd)
        {
            await DeliverAssembledAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The rest of a frame too large for the read buffer, read straight into the message buffer (one copy less), as
    /// it arrives: the reader still sees every byte (UTF-8, fail fast).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadFrameDirectlyAsync()
    {
        GiveBackBuffer(); // the message buffer takes its place while the frame lasts
        while (_reader.FrameRemaining > 0)
        {
            EnsureMessageRoom((int)Math.Min(_reader.FrameRemaining, _maxMessageSize - _messageLength));
            int room = (int)Math.Min(_reader.FrameRemaining, _message!.Length - _messageLength);
            int read = await _stream.ReadAsync(_message.AsMemory(_messageLength, room)).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException("The peer closed the connection in the middle of a frame.");
            }

            _liveness.OnInbound();
            ReadEvent piece = _reader.Read(_message.AsSpan(_messageLength, read), 0, out _, out _);
            if (piece == ReadEvent.Violation)
            {
                _sink.OnViolation(_reader.Violation!);
                return;
            }

            _messageLength += read;
            if (_reader.IsMessageEnd)
            {
                await DeliverAssembledAsync().ConfigureAwait(false);
            }
        }
    }

    private ValueTask DeliverAssembledAsync()
    {
        byte[] message = _message!;
        int length = _messageLength;
        _message = null;
        _messageLength = 0;
        Interlocked.Decrement(ref Live.ReceiveBuffers); // the message's own now: the handler gives it back
        return DeliverAsync(message, length);
    }

    private ValueTask DeliverDataAsync(byte[] source, int start, int length)
    {
        // Not while a handler still holds a buffer given up to it: the callbacks are busy then (the offer would be
        // refused anyway), and the lend state is that handler's until it returns the buffer.
        if (length <= InlineLimit && !_handshake.IsClosing && Volatile.Read(ref _lendState) != GivenUp)
        {
            // A small message is first offered to run inline, read in place: no copy, no place in the receive queue
            // while its handler runs synchronously (the loop is not reading meanwhile).
            WebSocketFrameKind kind = _reader.MessageOpcode.ToKind();
            Volatile.Write(ref _lendState, Lent);
            InlineOutcome outcome = _sink.TryDeliverInline(Received.Borrowed(kind, source, start, length, this));
            if (outcome != InlineOutcome.NotTaken)
            {
                _liveness.OnMessageEnded();
                CountReceived(kind, length);
                return outcome == InlineOutcome.Done ? default : GiveUpBufferAsync(source);
            }

            Volatile.Write(ref _lendState, NotLent);
        }

        byte[] copy = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        source.AsSpan(start, length).CopyTo(copy);
        return DeliverAsync(copy, length);
    }

    /// <summary>
    /// The inline handler of a message read in place is still running, and the loop must read on: unless the handler
    /// finished meanwhile, it keeps the buffer (and a place in the receive queue, as a message in the mailbox holds)
    /// and the loop reads on in a fresh one, with what it had not consumed yet.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask GiveUpBufferAsync(byte[] lent)
    {
        bool credit = await TakeCreditAsync().ConfigureAwait(false);
        _givenUpCredit = credit;
        if (Interlocked.CompareExchange(ref _lendState, GivenUp, Lent) != Lent)
        {
            // The handler finished first and did not keep the buffer.
            if (credit)
            {
                _credits.Release();
            }

            return;
        }

        // The lent buffer is the message's own now (as an assembled message's is): the loop holds only the fresh one.
        byte[] fresh = ArrayPool<byte>.Shared.Rent(Math.Max(_bufferSize, _end - _start));
        lent.AsSpan(_start, _end - _start).CopyTo(fresh);
        _end -= _start;
        _start = 0;
        _buffer = fresh;
    }

    void IReceiveLease.ReturnBorrowed(byte[] buffer)
    {
        if (Interlocked.CompareExchange(ref _lendState, Returned, Lent) == Lent)
        {
            return; // still the loop's read buffer
        }

        // Given up to this handler by the loop: it goes back to the pool now, with the place it held.
        bool credit = _givenUpCredit;
        Volatile.Write(ref _lendState, NotLent);
        ArrayPool<byte>.Shared.Return(buffer);
        if (credit)
        {
            _credits.Release();
        }
    }

    /// <summary>Hands a whole data message on once the receive queue has room (the loop stops reading meanwhile).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask DeliverAsync(byte[] buffer, int length)
    {
        _liveness.OnMessageEnded();
        WebSocketFrameKind kind = _reader.MessageOpcode.ToKind();
        bool credit = await TakeCreditAsync().ConfigureAwait(false); // false: a close under way ended the wait
        if (!credit || _handshake.IsClosing)
        {
            if (credit)
            {
                _credits.Release();
            }

            ArrayPool<byte>.Shared.Return(buffer);
            return;
        }

        CountReceived(kind, length);
        _sink.Deliver(new Received(kind, buffer, length, this, credit: true));
    }

    /// <summary>
    /// A place in the receive queue, at once when there is room. Otherwise the handler is behind: nothing is read until
    /// it catches up, so the peer's silence is ours (keepalive does not count it against the peer). False when a close
    /// under way ended the wait.
    /// </summary>
    private ValueTask<bool> TakeCreditAsync() => _credits.TryTake() ? new ValueTask<bool>(true) : WaitForCreditAsync();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WaitForCreditAsync()
    {
        _liveness.OnStallBegan();
        Log.ReadingPaused(_logger, _controlAllowance); // the allowance is ReceiveQueueCapacity too
        try
        {
            return await _credits.TakeAsync().ConfigureAwait(false);
        }
        finally
        {
            _liveness.OnStallEnded();
        }
    }

    private static void CountReceived(WebSocketFrameKind kind, int length)
    {
        ClientMetrics.MessagesReceived.Add(1, ClientMetrics.Kind(kind));
        ClientMetrics.BytesReceived.Add(length);
    }

    /// <summary>Contract row 4: a ping is answered with a pong carrying its payload, as soon as it is read.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AnswerPingAsync(int payloadStart, int payloadLength)
    {
        while (_queue.TryAddControl(Opcode.Pong, _buffer.AsSpan(payloadStart, payloadLength)) == ControlAdd.Full)
        {
            // Pongs wait for the writer: the loop stops reading until they are through (the peer is pushed back).
            await _queue.WaitForControlRoomAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A ping or pong goes to its handler in arrival order. Control frames take no place in the receive queue (they
    /// come between messages), so they have an allowance of their own: a peer flooding pings while [OnPing] is slow
    /// cannot grow the mailbox without bound. Every ping is answered all the same; only the delivery is skipped, and counted.
    /// </summary>
    private void DeliverControl(WebSocketFrameKind kind, int payloadStart, int payloadLength)
    {
        ClientMetrics.MessagesReceived.Add(1, ClientMetrics.Kind(kind));
        if (_handshake.IsClosing)
        {
            return;
        }

        if (Interlocked.Increment(ref _controlInMailbox) > _controlAllowance)
        {
            Interlocked.Decrement(ref _controlInMailbox);
            Interlocked.Increment(ref _controlNotDelivered);
            return;
        }

        byte[] copy = ArrayPool<byte>.Shared.Rent(Math.Max(payloadLength, 1));
        _buffer.AsSpan(payloadStart, payloadLength).CopyTo(copy);
        _sink.Deliver(new Received(kind, copy, payloadLength, this, credit: false));
    }

    void IReceiveLease.Return(bool credit, bool control)
    {
        if (credit)
        {
            _credits.Release();
        }

        if (control)
        {
            Interlocked.Decrement(ref _controlInMailbox);
        }
    }

    private void Append(ReadOnlySpan<byte> piece)
    {
        EnsureMessageRoom(piece.Length + (int)Math.Min(_reader.FrameRemaining, _maxMessageSize - _messageLength - piece.Length));
        piece.CopyTo(_message.AsSpan(_messageLength));
        _messageLength += piece.Length;
    }

    /// <summary>Room for <paramref name="more"/> bytes after what the message holds (never past MaxMessageSize, which the reader enforces).</summary>
    private void EnsureMessageRoom(int more)
    {
        int needed = _messageLength + more;
        if (_message is not null && _message.Length >= needed)
        {
            return;
        }

        int size = (int)Math.Min(Math.Max((long)needed, Math.Max(_message?.Length * 2L ?? 0, MinBufferSize)), Math.Max(_maxMessageSize, 1));
        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(size, needed));
        if (_message is not null)
        {
            _message.AsSpan(0, _messageLength).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_message);
        }
        else
        {
            Interlocked.Increment(ref Live.ReceiveBuffers);
        }

        _message = larger;
    }

    /// <summary>Moves what is not consumed yet (part of a frame) to the front of the buffer, to read the rest after it.</summary>
    private void KeepUnconsumed()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
    }

    /// <summary>Reads that fill the buffer double the next one (up to 64 KiB); short ones halve it (down to 4 KiB).</summary>
    private void AdaptBufferSize(int read)
    {
        if (_end == _buffer!.Length)
        {
            _bufferSize = Math.Min(_buffer.Length * 2, MaxBufferSize);
        }
        else if (read < _bufferSize / 4)
        {
            _bufferSize = Math.Max(_bufferSize / 2, MinBufferSize);
        }
    }

    private void GiveBackBuffer()
    {
        if (_buffer is not null && _start == _end)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            Interlocked.Decrement(ref Live.ReceiveBuffers);
            _buffer = null;
        }
    }
}
