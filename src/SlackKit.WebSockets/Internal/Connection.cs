using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace SlackKit.WebSockets.Internal;

/// <summary>What a <see cref="Connection"/> tells the client that owns it.</summary>
internal interface IConnectionOwner
{
    /// <summary>A whole inbound message or control frame; the owner hands it back with <see cref="Connection.Release"/>.</summary>
    void OnReceived(Connection connection, Inbound message);

    /// <summary>The connection is over: called once, after the last <see cref="OnReceived"/>.</summary>
    void OnEnded(Connection connection, DisconnectReason reason);
}

/// <summary>One inbound message: its kind and, for data and ping/pong, a pooled buffer the owner gives back.</summary>
internal readonly record struct Inbound(WebSocketFrameKind Kind, byte[]? Buffer, int Length, int? CloseCode, string? CloseReason, bool HoldsCredit)
{
    public WebSocketFrame ToFrame() => Kind == WebSocketFrameKind.Close
        ? WebSocketFrame.ReceivedClose(CloseCode, CloseReason)
        : WebSocketFrame.Received(Kind, Buffer is null ? ReadOnlyMemory<byte>.Empty : Buffer.AsMemory(0, Length));
}

/// <summary>
/// One connection's life: the handshake, a receive pump that assembles whole messages in pooled buffers, one writer
/// that puts frames on the wire in the order they were queued, and the close handshake. It knows nothing of
/// handlers: it reports to its <see cref="IConnectionOwner"/>.
/// </summary>
internal sealed class Connection : IInboundFrameObserver
{
    private const int InitialReceiveBufferSize = 4096;

    /// <summary>The kind of an <see cref="Inbound"/> that was read and dropped (over the limit, or after a close began).</summary>
    private const WebSocketFrameKind Discarded = 0;

    private readonly ClientWebSocket _socket;
    private HttpMessageInvoker? _invoker; // until the upgrade is done
    private readonly WebSocketClientOptions _options;
    private readonly IConnectionOwner _owner;
    private readonly SingleReaderQueue<Outbound> _outbound = new();
    private readonly SemaphoreSlim _room;
    private readonly CreditGate _receiveCredits;
    private readonly CancellationTokenSource _endedTokenSource = new();
    private Queue<(long MessagesBefore, Inbound Frame)>? _pendingControl; // made when a control frame must wait its turn
    private long _consumedMessages;
    private byte[]? _spare;
    private int _pumpWaiting;
    private long _waitsBelowSocket;

    /// <summary>The lock that orders delivery (data messages and control frames); the connection itself, which is never exposed.</summary>
    private object Order => this;

    private int _controlInMailbox;
    private long _controlNotDelivered;
    private int _lastMessageLength;
    private int? _peerCloseCode;
    private long _stalledSince;
    private long _lastStallEnded;
    private FrameTapStream? _tap;
    private Task _writer = Task.CompletedTask;
    private Task _receiver = Task.CompletedTask;
    private volatile DisconnectReason? _closeCause;
    private volatile LocalClose? _localClose;
    private int _closeRequested;
    private bool _dropQueued;
    private long _dropped;

    private Connection(WebSocketClientOptions options, IConnectionOwner owner)
    {
        Interlocked.Increment(ref Live.Connections);
        _options = options;
        _owner = owner;
        _room = new SemaphoreSlim(options.SendQueueCapacity, options.SendQueueCapacity);
        _receiveCredits = new CreditGate(options.ReceiveQueueCapacity);
        _socket = new ClientWebSocket();
        // Keepalive is the client's own (it must notice a dead peer); the socket sends no unsolicited pongs.
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        _socket.Options.CollectHttpResponseDetails = true;
        if (options.ConfigureHandler is { } configure)
        {
            // A handler of its own, configured by the user (TLS, proxy, credentials).
            var handler = new SocketsHttpHandler();
            configure(handler);
            handler.PlaintextStreamFilter = FilterStream;
            _invoker = new ConnectionInvoker(handler, this, disposeHandler: true);
        }
        else
        {
            // The process-wide handler: an idle connection does not keep a handler, its pools and settings of its own.
            _invoker = new ConnectionInvoker(SharedHandler.Value, this, disposeHandler: false);
        }
    }

    /// <summary>The handler of every connection whose options do not configure one.</summary>
    private static readonly Lazy<SocketsHttpHandler> SharedHandler = new(() => new SocketsHttpHandler
    {
        PlaintextStreamFilter = FilterStream,
        // A connection whose request gave up (a connect timeout) is not pooled for another request: its tap belongs
        // to the connection that asked for it.
        PooledConnectionLifetime = TimeSpan.Zero,
    });

    /// <summary>
    /// Which connection an upgrade request is for: added by its <see cref="ConnectionInvoker"/> while the request is
    /// under way, read by the filter. A map of its own rather than the request's <c>Options</c>: the upgraded
    /// connection keeps its request for life, and an options dictionary on it would be half a kilobyte per connection.
    /// </summary>
    private static readonly ConcurrentDictionary<HttpRequestMessage, Connection> Upgrading = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// The tap: the upgraded stream in plain text (after TLS), so control frames can be seen and written. The request
    /// says which connection it belongs to, so one handler can serve them all.
    /// </summary>
    private static ValueTask<Stream> FilterStream(SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken)
    {
        if (!Upgrading.TryGetValue(context.InitialRequestMessage, out Connection? connection))
        {
            return new ValueTask<Stream>(context.PlaintextStream); // not one of ours: left alone
        }

        connection._tap = new FrameTapStream(context.PlaintextStream, new InboundFrameParser(connection));
        return new ValueTask<Stream>(connection._tap);
    }

    /// <summary>Marks each request it sends (the upgrade) with its connection, for <see cref="FilterStream"/>.</summary>
    private sealed class ConnectionInvoker(HttpMessageHandler handler, Connection connection, bool disposeHandler)
        : HttpMessageInvoker(handler, disposeHandler)
    {
        public override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Upgrading[request] = connection;
            try
            {
                return base.Send(request, cancellationToken);
            }
            finally
            {
                Upgrading.TryRemove(request, out _);
            }
        }

        public override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Upgrading[request] = connection;
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Upgrading.TryRemove(request, out _);
            }
        }
    }

    /// <summary>Set once a close has begun: nothing more is accepted for sending and inbound data is discarded.</summary>
    public bool IsClosing => Volatile.Read(ref _closeRequested) != 0;

    /// <summary>Completes once the connection is over and <see cref="IConnectionOwner.OnEnded"/> has been called.</summary>
    public Task Ended => _receiver;

    /// <summary>Pings and pongs answered (or swallowed) by the socket but not delivered: the handler was that far behind.</summary>
    public long ControlFramesNotDelivered => Interlocked.Read(ref _controlNotDelivered);

    /// <summary>Frames accepted for sending that were never written.</summary>
    public long DroppedFrames => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Connects, or returns why it could not. <paramref name="attempt"/> ends the attempt: cancelled by the
    /// owner when it stops, or after <see cref="WebSocketClientOptions.ConnectTimeout"/>. Throws
    /// <see cref="OperationCanceledException"/> only when <paramref name="stopping"/> is cancelled (the client is stopping).
    /// </summary>
    public static async Task<(Connection? Connection, DisconnectReason? Failure)> ConnectAsync(
        Uri uri, WebSocketClientOptions options, IConnectionOwner owner, CancellationToken attempt, CancellationToken stopping)
    {
        var connection = new Connection(options, owner);
        try
        {
            if (options.ConfigureRequest is { } configure)
            {
                await configure(connection._socket.Options, attempt).ConfigureAwait(false);
            }

            await connection._socket.ConnectAsync(uri, connection._invoker, attempt).ConfigureAwait(false);
            if (connection._tap is null)
            {
                throw new InvalidOperationException("The upgraded connection did not pass through this client's stream filter; control frames could not be seen or sent.");
            }
        }
        catch (Exception ex)
        {
            DisconnectReason failure = connection.DescribeConnectFailure(ex, uri, stopping);
            connection.DisposeTransport();
            stopping.ThrowIfCancellationRequested();
            return (null, failure);
        }

        // The upgraded connection has left the handler's pool: its invoker is done, and with it a handler the options
        // configured for this connection alone (the shared handler stays). The response headers are kept only to
        // explain a refused handshake; a connection that holds them for life gains nothing.
        connection._invoker!.Dispose();
        connection._invoker = null;
        connection._socket.HttpResponseHeaders = null;
        // Each loop begins on the thread pool (see Loop): the connecting code goes on at once.
        connection._writer = connection.RunWriterAsync();
        connection._receiver = connection.RunReceiverAsync();
        if (options.KeepAlive != Timeout.InfiniteTimeSpan)
        {
            _ = connection.RunKeepAliveAsync();
        }

        return (connection, null);
    }

    /// <summary>Queues <paramref name="frame"/> without waiting; false when the queue is full or the connection is closing.</summary>
    public bool TryEnqueue(WebSocketFrame frame)
    {
        if (IsClosing || !_room.Wait(0))
        {
            return false;
        }

        if (frame.Kind == WebSocketFrameKind.Close)
        {
            // A cast close frame begins the close handshake, as a handler's Close does (contract row 6).
            _room.Release();
            BeginClose(frame, cause: null);
            return true;
        }

        return QueueHoldingRoom(frame, written: null);
    }

    /// <summary>
    /// Queues <paramref name="frame"/>, waiting for room; false when it is not accepted (the connection is closing or
    /// over). <paramref name="written"/>, when given, completes once the frame is on the wire.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> EnqueueAsync(WebSocketFrame frame, TaskCompletionSource? written, CancellationToken cancellationToken)
    {
        if (IsClosing)
        {
            return false;
        }

        if (frame.Kind == WebSocketFrameKind.Close)
        {
            BeginClose(frame, cause: null);
            written?.TrySetResult();
            return true;
        }

        if (!_room.Wait(0))
        {
            await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return QueueHoldingRoom(frame, written);
    }

    /// <summary>Queues a frame for which room was taken; gives the room back when the connection no longer takes frames.</summary>
    private bool QueueHoldingRoom(WebSocketFrame frame, TaskCompletionSource? written)
    {
        if (IsClosing || !_outbound.TryWrite(new Outbound(frame, written, HoldsRoom: true)))
        {
            _room.Release();
            return false;
        }

        return true;
    }

    /// <summary>Queues <paramref name="frame"/>, waiting for room, and completes once it is written.</summary>
    /// <exception cref="InvalidOperationException">The connection closed before the frame was written.</exception>
    public async Task SendAsync(WebSocketFrame frame, CancellationToken cancellationToken)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!await EnqueueAsync(frame, written, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The connection is closing or over; the frame was not sent.");
        }

        await written.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Begins the close handshake with <paramref name="closeFrame"/>: the frame is written after what is queued, the
    /// peer's close is awaited for <see cref="WebSocketClientOptions.CloseTimeout"/>, then the connection is dropped.
    /// <paramref name="cause"/>, when given, is the reason the owner is told (a handler failure, a message too big).
    /// </summary>
    public void BeginClose(WebSocketFrame closeFrame, DisconnectReason? cause) => BeginClose(closeFrame, cause, dropQueued: true);

    /// <summary>
    /// Set when the client itself asked for the close (a handler, a cast close frame, a stop): frames already
    /// received but not yet handled are dropped. A close the connection begins on its own (a message over the
    /// limit) lets the messages that came before it through.
    /// </summary>
    public bool DropsQueuedFrames => Volatile.Read(ref _dropQueued);

    private void BeginClose(WebSocketFrame closeFrame, DisconnectReason? cause, bool dropQueued)
    {
        if (dropQueued)
        {
            Volatile.Write(ref _dropQueued, true);
        }

        if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            return;
        }

        _closeCause = cause;
        _outbound.TryWrite(new Outbound(closeFrame, null, HoldsRoom: false));
        _receiveCredits.Close(); // a pump waiting for room reads on, discarding, until the peer's close
        // Bound the whole handshake: a peer that never answers our close is dropped.
        _ = AbortAfterAsync(_options.CloseTimeout);
    }

    /// <summary>Gives back an inbound message's buffer (and its place in the receive queue).</summary>
    public void Release(in Inbound message)
    {
        if (message.Buffer is not null)
        {
            ReturnReceiveBuffer(message.Buffer);
        }

        if (message.HoldsCredit)
        {
            _receiveCredits.Release();
        }

        if (message.Kind is WebSocketFrameKind.Ping or WebSocketFrameKind.Pong)
        {
            Interlocked.Decrement(ref _controlInMailbox);
        }
    }

    /// <summary>Drops the connection at once, without a close handshake.</summary>
    public void Abort() => _socket.Abort();

    private async Task AbortAfterAsync(TimeSpan delay)
    {
        Interlocked.Increment(ref Live.CloseTimers);
        try
        {
            await Task.Delay(delay, _endedTokenSource.Token).ConfigureAwait(false);
            _socket.Abort();
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

    private DisconnectReason DescribeConnectFailure(Exception ex, Uri uri, CancellationToken stopping)
    {
        var status = (HttpStatusCode)_socket.HttpStatusCode;
        if (status != 0 && status != HttpStatusCode.SwitchingProtocols)
        {
            return DisconnectReason.HandshakeRefused(status, _socket.HttpResponseHeaders, ex);
        }

        if (ex is OperationCanceledException && !stopping.IsCancellationRequested)
        {
            return DisconnectReason.TransportError(new TimeoutException(
                $"The WebSocket handshake with {uri.Scheme}://{uri.Authority} did not complete within {_options.ConnectTimeout.TotalSeconds:0.###} s (ConnectTimeout).", ex));
        }

        return DisconnectReason.TransportError(ex);
    }

    // ---------------------------------------------------------------- receiving

    /// <summary>
    /// The receive pump: whole messages, in arrival order with the control frames the parser saw between them, go to
    /// the owner, each holding a credit of the receive queue until its handler is done. One loop (one state machine
    /// held while idle): it reads until the peer's close or a failure, then reports why and cleans up.
    /// </summary>
    private async Task RunReceiverAsync()
    {
        await Loop.Start;
        Interlocked.Increment(ref Live.Receivers);
        DisconnectReason reason;
        try
        {
            while (true)
            {
                bool holdsCredit;
                try
                {
                    holdsCredit = await TakeCreditAsync().ConfigureAwait(false);
                }
                finally
                {
                    EndStall();
                }

                Inbound message;
                try
                {
                    // Waiting for a message to begin holds no buffer (zero-byte reads) and, written here rather than in a
                    // method of its own, no state machine but this loop's. Where nothing waits above the tap, the wait
                    // is on the stream below the socket (see QuietTap); then, or otherwise, the socket's own zero-byte
                    // read, which is at once done when data has arrived.
                    if (QuietTap() is { } quiet)
                    {
                        ValueTask<int> arrived = quiet.WaitForDataAsync();
                        if (!arrived.IsCompleted)
                        {
                            Interlocked.Increment(ref _waitsBelowSocket);
                            BeginWaiting();
                        }

                        try
                        {
                            await arrived.ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException)
                        {
                            // Failed or aborted while idle: the socket's read below reports it, as it always does.
                        }

                        EndWaiting();
                    }

                    ValueTask<ValueWebSocketReceiveResult> begun = _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                    if (!begun.IsCompleted)
                    {
                        BeginWaiting();
                    }

                    ValueWebSocketReceiveResult first = await begun.ConfigureAwait(false);
                    EndWaiting();
                    message = await ReceiveMessageAsync(first, keep: holdsCredit).ConfigureAwait(false);
                }
                catch
                {
                    ReleaseCredit(holdsCredit);
                    throw;
                }

                if (message.Kind == WebSocketFrameKind.Close)
                {
                    ReleaseCredit(holdsCredit);
                    reason = await OnCloseReceivedAsync(message).ConfigureAwait(false);
                    break;
                }

                Deliver(message, holdsCredit);
            }
        }
        catch (Exception ex)
        {
            reason = _closeCause ?? (_localClose is { } local
                ? DisconnectReason.LocalClose(local.Code, local.Reason)
                : DescribeReceiveFailure(ex));
        }

        BeginWaiting(); // for good: from now on every buffer handed back goes to the pool

        // No frame is written after the connection is over: what is still queued is counted as dropped.
        _outbound.Complete();
        if (_socket.State != WebSocketState.Closed)
        {
            _socket.Abort();
        }

        await _writer.ConfigureAwait(false);
        DisposeTransport();
        lock (Order)
        {
            while (_pendingControl?.TryDequeue(out var pending) == true)
            {
                Release(pending.Frame);
            }
        }

        _endedTokenSource.Cancel();
        Interlocked.Decrement(ref Live.Receivers);
        _owner.OnEnded(this, reason);
    }

    /// <summary>
    /// The tap, when nothing waits above it: the socket has delivered every message the parser saw, and nothing of
    /// another frame has been read. The pump can then wait for the peer on the stream below the socket, where waiting
    /// holds none of the socket's state machines (nor the HTTP connection's): they come from pools that a loop
    /// resuming on another thread misses now and then, and they would be held by every idle connection.
    /// </summary>
    private FrameTapStream? QuietTap() =>
        _tap is { } tap && tap.Parser.IsQuiet && tap.Parser.Messages == _consumedMessages ? tap : null;

    /// <summary>Data messages and the control frames the parser saw before them go to the owner in arrival order.</summary>
    private void Deliver(in Inbound message, bool holdsCredit)
    {
        lock (Order)
        {
            _consumedMessages++;
            if (holdsCredit && message.Kind != Discarded && !IsClosing)
            {
                ClientMetrics.MessagesReceived.Add(1, ClientMetrics.Kind(message.Kind));
                ClientMetrics.BytesReceived.Add(message.Length);
                _owner.OnReceived(this, message with { HoldsCredit = true });
            }
            else
            {
                Release(message);
                ReleaseCredit(holdsCredit);
            }

            while (_pendingControl is { } pending && pending.TryPeek(out var next) && next.MessagesBefore <= _consumedMessages)
            {
                _owner.OnReceived(this, pending.Dequeue().Frame);
            }
        }
    }

    private void ReleaseCredit(bool holdsCredit)
    {
        if (holdsCredit)
        {
            _receiveCredits.Release();
        }
    }

    /// <summary>
    /// Takes room in the receive queue (true), or learns that none is needed because a close has begun and messages
    /// are discarded (false). Not an async method: waiting is the credit gate's own allocation-free wait, and the
    /// stall it may start is ended by <see cref="EndStall"/> once the wait is over.
    /// </summary>
    private ValueTask<bool> TakeCreditAsync()
    {
        if (IsClosing)
        {
            return new ValueTask<bool>(false);
        }

        if (_receiveCredits.TryTake())
        {
            return new ValueTask<bool>(true);
        }

        // The handler is behind: nothing is read until it catches up, so the peer's silence is ours, not its own
        // (keepalive does not count it against the peer).
        Volatile.Write(ref _stalledSince, Stopwatch.GetTimestamp());
        return _receiveCredits.TakeAsync();
    }

    /// <summary>Ends the stall <see cref="TakeCreditAsync"/> began, if it began one.</summary>
    private void EndStall()
    {
        if (Volatile.Read(ref _stalledSince) != 0)
        {
            Volatile.Write(ref _lastStallEnded, Stopwatch.GetTimestamp());
            Volatile.Write(ref _stalledSince, 0);
        }
    }

    /// <summary>
    /// Reads the rest of a message that has begun (<paramref name="first"/>: the zero-byte read that waited for it)
    /// into pooled buffers that grow as needed. When <paramref name="keep"/> is false, or the message grows over
    /// <see cref="WebSocketClientOptions.MaxMessageSize"/>, it is read to its end and dropped (kind <see cref="Discarded"/>).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Inbound> ReceiveMessageAsync(ValueWebSocketReceiveResult first, bool keep)
    {
        if (first.MessageType == WebSocketMessageType.Close)
        {
            return CloseMessage();
        }

        WebSocketFrameKind kind = first.MessageType == WebSocketMessageType.Text ? WebSocketFrameKind.Text : WebSocketFrameKind.Binary;
        if (first.EndOfMessage)
        {
            return new Inbound(keep ? kind : Discarded, null, 0, null, null, HoldsCredit: false);
        }

        int limit = _options.MaxMessageSize;
        // The first buffer is as large as the last message was: a stream of 16 KiB messages is read without the
        // rent-grow-copy steps a 4 KiB start would take for each.
        byte[]? buffer = RentReceiveBuffer(Math.Min(Math.Max(InitialReceiveBufferSize, _lastMessageLength + 1), limit + 1));
        int length = 0;
        long total = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (!keep)
                    {
                        length = 0; // discarding: reuse the buffer
                    }
                    else
                    {
                        byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, (long)limit + 1));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }

                ValueWebSocketReceiveResult result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return CloseMessage();
                }

                length += result.Count;
                total += result.Count;
                if (keep && total > limit)
                {
                    // Contract row 14: nothing of a message over the limit reaches a handler.
                    BeginClose(WebSocketFrame.Close(1009, "message too big"), DisconnectReason.MessageTooBig(total, limit), dropQueued: false);
                    keep = false;
                    length = 0;
                }

                if (result.EndOfMessage)
                {
                    if (!keep)
                    {
                        return new Inbound(Discarded, null, 0, null, null, HoldsCredit: false);
                    }

                    Inbound message = new(kind, buffer, length, null, null, HoldsCredit: false);
                    _lastMessageLength = length;
                    buffer = null;
                    return message;
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    // The spare: the last receive buffer a handler gave back, kept for the next message. A buffer rented on the
    // pump's thread and returned on the mailbox's misses the pool's per-thread caches now and then, and a miss is an
    // allocation. The spare goes back to the pool whenever the pump waits for data, so an idle connection holds none.

    /// <summary>How many writes went to the socket's stream (for tests).</summary>
    internal long SocketWrites => _tap?.SocketWrites ?? 0;

    /// <summary>Whether the connection holds a spare receive buffer now (for tests: never while idle).</summary>
    internal bool HoldsSpareBuffer => Volatile.Read(ref _spare) is not null;

    /// <summary>How many times the pump waited for the peer below the socket, nothing waiting above the tap (for tests).</summary>
    internal long WaitsBelowSocket => Interlocked.Read(ref _waitsBelowSocket);

    /// <summary>Whether the receive pump is waiting for data (for tests).</summary>
    internal bool IsPumpWaiting => Volatile.Read(ref _pumpWaiting) != 0;

    /// <summary>How many messages were read into the spare instead of a buffer from the pool (for tests).</summary>
    internal long SpareBufferReuses { get; private set; }

    private byte[] RentReceiveBuffer(int minimumLength)
    {
        if (Interlocked.Exchange(ref _spare, null) is { } spare)
        {
            if (spare.Length >= minimumLength)
            {
                SpareBufferReuses++; // the pump's thread only
                return spare;
            }

            ArrayPool<byte>.Shared.Return(spare);
        }

        return ArrayPool<byte>.Shared.Rent(minimumLength);
    }

    private void ReturnReceiveBuffer(byte[] buffer)
    {
        if (Interlocked.CompareExchange(ref _spare, buffer, null) is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer); // one spare is enough
        }
        else if (Volatile.Read(ref _pumpWaiting) != 0)
        {
            GiveBackSpare(); // the pump went idle (or the connection ended) while this buffer was out
        }
    }

    /// <summary>Nothing to read yet, and maybe nothing for a long time: the spare buffer goes back to the pool.</summary>
    private void BeginWaiting()
    {
        Volatile.Write(ref _pumpWaiting, 1);
        GiveBackSpare();
    }

    private void EndWaiting() => Volatile.Write(ref _pumpWaiting, 0);

    private void GiveBackSpare()
    {
        if (Interlocked.Exchange(ref _spare, null) is { } spare)
        {
            ArrayPool<byte>.Shared.Return(spare);
        }
    }

    private Inbound CloseMessage() =>
        new(WebSocketFrameKind.Close, null, 0, (int?)_socket.CloseStatus, _socket.CloseStatusDescription, HoldsCredit: false);

    /// <summary>The peer's close frame: the answer to ours, or a close it began (contract row 5).</summary>
    private async Task<DisconnectReason> OnCloseReceivedAsync(Inbound close)
    {
        if (_localClose is { } local)
        {
            return _closeCause ?? DisconnectReason.LocalClose(local.Code, local.Reason);
        }

        if (IsClosing)
        {
            // Both ends began closing at once; our close frame is queued or on its way.
            return _closeCause ?? DisconnectReason.LocalClose(null, null);
        }

        // Deliver the close to [OnClose] first, then answer it (RFC 6455 §5.5.1) before reporting the disconnect.
        _owner.OnReceived(this, close);
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_outbound.TryWrite(new Outbound(WebSocketFrame.ReceivedClose(close.CloseCode, null), answered, HoldsRoom: false)))
        {
            await Task.WhenAny(answered.Task, Task.Delay(_options.CloseTimeout)).ConfigureAwait(false);
        }

        return DisconnectReason.RemoteClose(close.CloseCode, close.CloseReason);
    }

    private DisconnectReason DescribeReceiveFailure(Exception ex)
    {
        // ClientWebSocket reports every protocol violation as the same WebSocketException, without saying which;
        // but the tap saw the close frame it sent (1002, 1007...) and the parser saw what the peer sent.
        if (ex is WebSocketException && _localClose is null && _tap?.SentCloseCode is { } sent)
        {
            string what = sent switch
            {
                1007 => "the peer sent a text message that is not valid UTF-8",
                1009 => "the peer sent a message too big for the socket",
                _ when _peerCloseCode is { } code && !IsValidReceivedCloseCode(code) => $"the peer closed with the invalid code {code}",
                _ => "the peer sent a frame that breaks RFC 6455",
            };
            return DisconnectReason.ProtocolError($"{what}; closed with {sent}", sent, ex);
        }

        return DisconnectReason.TransportError(ex);
    }

    /// <summary>Codes a peer may put in a close frame (RFC 6455 §7.4): 1005, 1006 and 1015 never go on the wire.</summary>
    private static bool IsValidReceivedCloseCode(int code) => WebSocketFrame.IsSendableCloseCode(code);

    /// <summary>A ping or pong the socket answered or swallowed (contract row 4), delivered in arrival order.</summary>
    void IInboundFrameObserver.OnControlFrame(WebSocketFrameKind kind, ReadOnlySpan<byte> payload, long messagesBefore)
    {
        if (kind == WebSocketFrameKind.Close)
        {
            // The socket delivers the close itself; only its code is kept, to explain a close the socket rejects.
            _peerCloseCode = payload.Length >= 2 ? (payload[0] << 8) | payload[1] : null;
            return;
        }

        ClientMetrics.MessagesReceived.Add(1, ClientMetrics.Kind(kind));

        // Control frames take no receive credit (they arrive in the middle of reads), so they have an allowance of
        // their own: a peer flooding pings while [OnPing] is slow cannot grow the mailbox without bound. The socket
        // has answered every ping already; only the delivery is skipped, and counted.
        if (Interlocked.Increment(ref _controlInMailbox) > _options.ReceiveQueueCapacity)
        {
            Interlocked.Decrement(ref _controlInMailbox);
            Interlocked.Increment(ref _controlNotDelivered);
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length, 1));
        payload.CopyTo(buffer);
        var frame = new Inbound(kind, buffer, payload.Length, null, null, HoldsCredit: false);
        lock (Order)
        {
            if (IsClosing)
            {
                Release(frame);
            }
            else if (messagesBefore <= _consumedMessages)
            {
                _owner.OnReceived(this, frame);
            }
            else
            {
                // A data message that came before it is still being read: it waits its turn.
                (_pendingControl ??= new()).Enqueue((messagesBefore, frame));
            }
        }
    }

    // ---------------------------------------------------------------- keepalive

    /// <summary>
    /// Contract row 9: a ping every <see cref="WebSocketClientOptions.KeepAlive"/>; when nothing at all arrives within
    /// <see cref="WebSocketClientOptions.KeepAliveTimeout"/> of a ping, the peer is dead and the connection is dropped.
    /// Time during which the client itself stopped reading (its handler behind) does not count against the peer.
    /// </summary>
    private async Task RunKeepAliveAsync()
    {
        await Loop.Start;
        TimeSpan interval = _options.KeepAlive;
        TimeSpan timeout = _options.KeepAliveTimeout;
        CancellationToken ended = _endedTokenSource.Token;
        long? unanswered = null; // when the first ping not yet followed by anything inbound was sent
        long nextPing = Stopwatch.GetTimestamp() + ToTicks(interval);
        Interlocked.Increment(ref Live.KeepAlives);
        try
        {
            while (!IsClosing)
            {
                long deadline = unanswered is { } since ? Math.Min(nextPing, since + ToTicks(timeout)) : nextPing;
                TimeSpan wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ended).ConfigureAwait(false);
                }

                long now = Stopwatch.GetTimestamp();
                if (unanswered is { } pingAt)
                {
                    bool heard = (_tap?.LastInbound ?? now) >= pingAt;
                    bool weStalled = Volatile.Read(ref _stalledSince) != 0 || Volatile.Read(ref _lastStallEnded) >= pingAt;
                    if (heard || weStalled)
                    {
                        unanswered = null;
                    }
                    else if (now >= pingAt + ToTicks(timeout))
                    {
                        _closeCause ??= DisconnectReason.KeepAliveTimeout(timeout);
                        _socket.Abort();
                        return;
                    }
                }

                if (now >= nextPing)
                {
                    await WriteControlAsync(0x9, ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
                    unanswered ??= Stopwatch.GetTimestamp();
                    nextPing = now + ToTicks(interval);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            // The connection ended (or is ending) under us: the receiver reports why.
        }
        finally
        {
            Interlocked.Decrement(ref Live.KeepAlives);
        }
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    // ---------------------------------------------------------------- sending

    /// <summary>The one writer: frames go on the wire in the order they were queued, never interleaved.</summary>
    private async Task RunWriterAsync()
    {
        await Loop.Start;
        Interlocked.Increment(ref Live.Writers);
        Exception? failure = null;
        while (await _outbound.WaitToReadAsync().ConfigureAwait(false))
        {
            bool batching = false;
            while (_outbound.TryRead(out Outbound item, out bool more))
            {
                if (failure is not null || (_localClose is not null && item.Frame.Kind != WebSocketFrameKind.Close))
                {
                    // Nothing follows a close frame on the wire (RFC 6455 §5.5.1).
                    Drop(item, failure);
                    if (item.HoldsRoom)
                    {
                        _room.Release();
                    }

                    continue;
                }

                if (!batching && _tap is not null && more)
                {
                    // More frames wait behind this one: they are gathered and written together, one socket write per
                    // burst. A frame alone is written as it is, without a copy.
                    _tap.BeginBatch();
                    batching = true;
                }

                try
                {
                    int bytes = await WriteFrameAsync(item.Frame).ConfigureAwait(false);
                    if (batching && item.Written is not null)
                    {
                        await _tap!.WriteBatchAsync().ConfigureAwait(false); // SendAsync completes once the frame is on the wire
                    }

                    ClientMetrics.MessagesSent.Add(1, ClientMetrics.Kind(item.Frame.Kind));
                    ClientMetrics.BytesSent.Add(bytes);
                    item.Written?.TrySetResult();
                }
                catch (Exception ex)
                {
                    failure = ex;
                    Drop(item, ex);
                    _socket.Abort();
                }
                finally
                {
                    if (item.HoldsRoom)
                    {
                        _room.Release();
                    }
                }
            }

            if (batching)
            {
                try
                {
                    await _tap!.EndBatchAsync().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    failure ??= ex;
                    _socket.Abort();
                }
            }
        }

        Interlocked.Decrement(ref Live.Writers);
    }

    private void Drop(in Outbound item, Exception? cause)
    {
        if (item.Frame.Kind != WebSocketFrameKind.Close)
        {
            Interlocked.Increment(ref _dropped);
        }

        item.Written?.TrySetException(new InvalidOperationException(
            "The connection ended before the frame was written.", cause));
    }

    /// <summary>Writes one frame; returns its payload size, for the metrics.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> WriteFrameAsync(WebSocketFrame frame)
    {
        switch (frame.Kind)
        {
            case WebSocketFrameKind.Text when frame.TextOrNull is { } text:
                byte[] encoded = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
                try
                {
                    int count = Encoding.UTF8.GetBytes(text, encoded);
                    await _socket.SendAsync(encoded.AsMemory(0, count), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                    return count;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(encoded);
                }

            case WebSocketFrameKind.Text:
                await _socket.SendAsync(frame.RawPayload, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                break;
            case WebSocketFrameKind.Binary:
                await _socket.SendAsync(frame.RawPayload, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                break;
            case WebSocketFrameKind.Ping:
                await WriteControlAsync(0x9, frame.RawPayload).ConfigureAwait(false);
                break;
            case WebSocketFrameKind.Pong:
                await WriteControlAsync(0xA, frame.RawPayload).ConfigureAwait(false);
                break;
            case WebSocketFrameKind.Close:
                await WriteCloseAsync(frame).ConfigureAwait(false);
                break;
        }

        return frame.RawPayload.Length;
    }

    private ValueTask WriteControlAsync(byte opcode, ReadOnlyMemory<byte> payload)
    {
        if (_socket.State != WebSocketState.Open || _tap is null)
        {
            throw new InvalidOperationException("The connection is not open; the control frame was not sent.");
        }

        return _tap.WriteControlFrameAsync(opcode, payload, CancellationToken.None);
    }

    private async ValueTask WriteCloseAsync(WebSocketFrame frame)
    {
        var status = frame.CloseCode is { } code ? (WebSocketCloseStatus)code : WebSocketCloseStatus.Empty;
        string? description = frame.CloseCode is null ? null : frame.CloseReason;
        switch (_socket.State)
        {
            case WebSocketState.Open:
                // Our close comes first: the peer's close frame that follows is its answer.
                _localClose = new LocalClose(frame.CloseCode, frame.CloseReason);
                await _socket.CloseOutputAsync(status, description, CancellationToken.None).ConfigureAwait(false);
                break;
            case WebSocketState.CloseReceived:
                await _socket.CloseOutputAsync(status, description, CancellationToken.None).ConfigureAwait(false);
                break;
        }
    }

    private void DisposeTransport()
    {
        _socket.Dispose();
        _invoker?.Dispose();
        Interlocked.Decrement(ref Live.Connections);
    }

    /// <summary>The close frame this client sent first.</summary>
    private sealed record LocalClose(int? Code, string? Reason);

    /// <summary>A frame waiting to be written, with the task of a <see cref="SendAsync"/> caller, if any.</summary>
    private readonly record struct Outbound(WebSocketFrame Frame, TaskCompletionSource? Written, bool HoldsRoom);
}
