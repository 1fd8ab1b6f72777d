using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SlackKit.WebSockets.Internal;
using SlackKit.WebSockets.Internal.Protocol;
using SlackKit.WebSockets.Internal.Transport;

namespace SlackKit.WebSockets;

/// <summary>
/// A WebSocket client that calls an <see cref="IWebSocketHandler"/>: the C# form of SlackKit's
/// <c>Slack.WebSocketClient</c>. Start one with <see cref="Start(string, IWebSocketHandler, WebSocketClientOptions?)"/>.
/// </summary>
/// <remarks>
/// Every callback runs from one mailbox, one at a time, in order (contract row 3): inbound frames, messages given to
/// <see cref="Post"/>, and the lifecycle callbacks. Sending is safe from any thread: frames go through one writer in
/// the order they were queued.
/// </remarks>
public sealed class WebSocketClient : IAsyncDisposable, IConnectionOwner
{
    /// <summary>The client whose mailbox the current code runs in, so that a handler calling <see cref="StopAsync"/> does not wait on itself.</summary>
    private static readonly AsyncLocal<WebSocketClient?> s_runningIn = new();

    private readonly Uri? _fixedUrl;
    private readonly Func<CancellationToken, ValueTask<Uri>>? _urlProvider;
    private readonly IWebSocketHandler _handler;
    private readonly WebSocketClientOptions _options;
    private InitResult _init; // set in Start, before the mailbox runs
    private Backoff _backoff; // the mailbox's alone
    private readonly ILogger _logger;
    private readonly SingleReaderQueue<Mail> _mailbox = new();

    // Who runs callbacks now: the mailbox loop while it handles a mail, or the receive loop while it runs a frame's
    // handler itself (inline: only when the mailbox is empty, so nothing before the frame is still to be handled). It
    // is taken before looking at the mailbox and given back after the callback (or its task) is done, so callbacks
    // still run one at a time, in order. Once the client terminates, the mailbox loop keeps it.
    private readonly CallbackGate _callbacks = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task<TerminateReason> _run = null!; // the mailbox loop: set by Start, and it is Completion
    private volatile Connection? _connection;
    private CancellationTokenSource? _connectAttempt; // a connect under way, which a stop cancels
    private int _state = (int)WebSocketClientState.Connecting;
    private int _connectGeneration;
    private long _connectedAt;
    private long _droppedFrames;
    private int _pendingPosts; // Post adds, the mailbox takes: bounded by PostQueueCapacity
    private int _attempts;
    private int _attemptsSinceConnected; // the mailbox's alone: connect attempts since the last connection, for the logs
    private int _warnedCertificateValidation;
    private Endpoint _endpoint;

    // Callers of SendAsync waiting for a connection: made by the first such caller, completed (and let go) by the
    // mailbox once a connection's [OnConnect] is done, failed when the client terminates. Guarded by _connectedGate.
    private TaskCompletionSource? _connectedWaiters;
    private readonly Lock _connectedGate = new();

    /// <summary>The client each handler instance is given to while that client runs: one instance serves one client.</summary>
    private static readonly ConditionalWeakTable<IWebSocketHandler, WebSocketClient> s_owners = new();

    private WebSocketClient(Uri? fixedUrl, Func<CancellationToken, ValueTask<Uri>>? urlProvider, IWebSocketHandler handler, WebSocketClientOptions options)
    {
        _fixedUrl = fixedUrl;
        _urlProvider = urlProvider;
        _handler = handler;
        _options = options;
        _backoff = new Backoff(options.ReconnectDelay, options.MaxReconnectDelay, Random.Shared);
        _logger = (ILogger?)options.LoggerFactory?.CreateLogger(LogCategory(handler)) ?? NullLogger.Instance;
    }

    /// <summary>
    /// The log category of a client: <c>SlackKit.WebSockets.WebSocketClient.</c> and the handler's type name
    /// (<c>SlackKit.WebSockets.WebSocketClient.EchoBot</c>), so that the logs say which bot, and a filter on
    /// <c>SlackKit.WebSockets</c> still takes every client.
    /// </summary>
    internal static string LogCategory(IWebSocketHandler handler) => typeof(WebSocketClient).FullName + "." + handler.GetType().Name;

    /// <summary>Where the client is in its lifecycle.</summary>
    public WebSocketClientState State => (WebSocketClientState)Volatile.Read(ref _state);

    /// <summary>
    /// Completes when the client has terminated, after <c>[OnTerminate]</c>, with the reason it was given (contract
    /// row 13). It never faults: a failure is a <see cref="TerminateReason"/> of kind <see cref="TerminateKind.Failed"/>.
    /// </summary>
    public Task<TerminateReason> Completion => _run;

    /// <summary>
    /// Frames that were accepted (by <see cref="Cast"/>, <see cref="SendAsync"/> or as a reply) but never written,
    /// because the connection ended first.
    /// </summary>
    public long DroppedFrames => Interlocked.Read(ref _droppedFrames);

    /// <summary>Starts a client for <paramref name="url"/>; see <see cref="Start(Uri, IWebSocketHandler, WebSocketClientOptions?)"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="url"/> is not an absolute <c>ws://</c> or <c>wss://</c> URL.</exception>
    public static WebSocketClient Start(string url, IWebSocketHandler handler, WebSocketClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri))
        {
            throw new ArgumentException($"'{Redaction.Url(url)}' is not an absolute URL; expected ws://host/path or wss://host/path.", nameof(url));
        }

        return Start(uri, handler, options);
    }

    /// <summary>
    /// Starts a client: runs <c>[OnInit]</c> (an exception from it comes out of this call), then returns at once,
    /// before any I/O, while the client connects in the background (<c>start_link</c>).
    /// </summary>
    /// <param name="url">A <c>ws://</c> or <c>wss://</c> URL.</param>
    /// <param name="handler">The callbacks; usually a <c>[WebSocketHandler] partial class</c>.</param>
    /// <param name="options">Options; <see langword="null"/> for the defaults. They are copied: later changes have no effect.</param>
    /// <exception cref="ArgumentException"><paramref name="url"/> is not a <c>ws://</c> or <c>wss://</c> URL.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static WebSocketClient Start(Uri url, IWebSocketHandler handler, WebSocketClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        CheckWebSocketUrl(url, nameof(url));
        return Start(url, null, handler, options);
    }

    /// <summary>
    /// Starts a client whose URL is asked for anew before every connect attempt: a Slack URL (from
    /// <c>rtm.connect</c> or <c>apps.connections.open</c>) is good for one connection only. Otherwise as
    /// <see cref="Start(Uri, IWebSocketHandler, WebSocketClientOptions?)"/>. An exception from
    /// <paramref name="url"/>, or a URL that is not ws:// or wss://, fails that attempt as a transport error, which
    /// <c>[OnDisconnect]</c> decides on.
    /// </summary>
    public static WebSocketClient Start(Func<CancellationToken, ValueTask<Uri>> url, IWebSocketHandler handler, WebSocketClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        return Start(null, url, handler, options);
    }

    private static WebSocketClient Start(Uri? fixedUrl, Func<CancellationToken, ValueTask<Uri>>? urlProvider, IWebSocketHandler handler, WebSocketClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(handler);
        options = (options ?? new WebSocketClientOptions()).Clone();
        options.Validate();

        var client = new WebSocketClient(fixedUrl, urlProvider, handler, options);
        client.TakeHandler();
        try
        {
            handler.OnStarting(client);
            client._init = handler.OnInit();
            if (!Enum.IsDefined(client._init))
            {
                throw new InvalidOperationException($"OnInit returned {(int)client._init}, which is not an InitResult.");
            }
        }
        catch
        {
            client.GiveBackHandler();
            throw;
        }

        client._mailbox.TryWrite(Mail.Connect(0));
        client._run = client.RunAsync(); // returns at its first await: the mailbox runs on the thread pool
        return client;
    }

    /// <summary>
    /// Queues <paramref name="frame"/> for sending and returns at once (<c>cast</c>). Frames from one caller are
    /// written in the order they were cast. A close frame begins the close handshake.
    /// </summary>
    /// <returns>
    /// <see langword="false"/> when the frame cannot be taken: not connected, the send queue is full, or the client
    /// has terminated (contract row 10).
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="frame"/> is <c>default</c>.</exception>
    public bool Cast(WebSocketFrame frame)
    {
        frame.EnsureNotDefault(nameof(frame));
        return _connection is { } connection && connection.TryEnqueue(frame);
    }

    /// <summary>
    /// Sends <paramref name="frame"/> and completes once it is written. When the client is not connected yet (just
    /// started, or reconnecting), it first waits for the connection, after <c>[OnConnect]</c>; when the send queue is
    /// full, it waits for room.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="frame"/> is <c>default</c>.</exception>
    /// <exception cref="InvalidOperationException">
    /// The client terminated before it was connected; the connection ended before the frame was written; or a handler
    /// called it while the client is not connected (the connection cannot come while the handler holds the mailbox:
    /// send from <c>[OnConnect]</c>, or <see cref="Cast"/>).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; a frame already queued may still be written.</exception>
    /// <remarks>
    /// Allocates nothing when connected and the send queue has room. Await the result once, as with any
    /// <see cref="ValueTask"/>. To wait without sending, see <see cref="WaitUntilConnectedAsync"/>.
    /// </remarks>
    public ValueTask SendAsync(WebSocketFrame frame, CancellationToken cancellationToken = default)
    {
        frame.EnsureNotDefault(nameof(frame));
        return _connection is { } connection
            ? connection.SendAsync(frame, cancellationToken)
            : SendWhenConnectedAsync(frame, cancellationToken);
    }

    private async ValueTask SendWhenConnectedAsync(WebSocketFrame frame, CancellationToken cancellationToken)
    {
        while (true)
        {
            await WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
            if (_connection is { } connection)
            {
                await connection.SendAsync(frame, cancellationToken).ConfigureAwait(false);
                return;
            }

            // Connected, then disconnected again before this caller ran: wait for the next connection.
        }
    }

    /// <summary>
    /// Completes when the client is connected: at once when it is now; a caller that has to wait goes on once the
    /// connection's <c>[OnConnect]</c> has run, so what it sends follows what <c>[OnConnect]</c> sent.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The client terminated first; or a handler called it while the client is not connected (it would wait for
    /// ever: the connection comes through the mailbox the handler holds).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken = default)
    {
        Task waiting;
        lock (_connectedGate)
        {
            if (_connection is not null)
            {
                return Task.CompletedTask;
            }

            if (State == WebSocketClientState.Terminated)
            {
                return Task.FromException(new InvalidOperationException(
                    $"The client has terminated ({(_run.IsCompleted ? _run.Result.ToString() : "terminating")}); it will not connect again."));
            }

            if (s_runningIn.Value == this)
            {
                return Task.FromException(new InvalidOperationException(
                    $"A handler waited for a connection while the client is {State}: the connection comes through the mailbox this handler holds, so it would wait for ever. Send from [OnConnect], or Cast."));
            }

            waiting = (_connectedWaiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        return waiting.WaitAsync(cancellationToken);
    }

    /// <summary>The mailbox, once a connection's [OnConnect] is done (or the client terminated): the waiters go on.</summary>
    private void ReleaseConnectionWaiters(Exception? terminated)
    {
        TaskCompletionSource? waiters;
        lock (_connectedGate)
        {
            waiters = _connectedWaiters;
            _connectedWaiters = null;
        }

        if (terminated is null)
        {
            waiters?.TrySetResult();
        }
        else
        {
            waiters?.TrySetException(terminated);
        }
    }

    /// <summary>One handler instance serves one running client: its methods assume one caller at a time.</summary>
    private void TakeHandler()
    {
        lock (s_owners)
        {
            if (s_owners.TryGetValue(_handler, out WebSocketClient? owner) && owner.State != WebSocketClientState.Terminated)
            {
                throw new InvalidOperationException(
                    $"This {_handler.GetType().Name} instance is already the handler of a running WebSocketClient. A client runs its handler's methods one at a time; " +
                    "a second client would call them concurrently. Give each client its own handler instance (or stop the other client first).");
            }

            s_owners.AddOrUpdate(_handler, this);
        }
    }

    private void GiveBackHandler()
    {
        lock (s_owners)
        {
            if (s_owners.TryGetValue(_handler, out WebSocketClient? owner) && owner == this)
            {
                s_owners.Remove(_handler);
            }
        }
    }

    /// <summary>
    /// Delivers <paramref name="message"/> to the handler's <c>[OnInfo]</c>, in mailbox order with everything else
    /// (<c>send(pid, message)</c>; contract row 11). Works in every state until the client terminates.
    /// </summary>
    /// <returns>
    /// <see langword="false"/> when the message is not taken: <see cref="WebSocketClientOptions.PostQueueCapacity"/>
    /// messages wait already (the handler is that far behind), or the client has terminated.
    /// </returns>
    public bool Post(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (State == WebSocketClientState.Terminated)
        {
            return false;
        }

        if (Interlocked.Increment(ref _pendingPosts) > _options.PostQueueCapacity)
        {
            Interlocked.Decrement(ref _pendingPosts);
            return false;
        }

        if (!_mailbox.TryWrite(Mail.Info(message)))
        {
            Interlocked.Decrement(ref _pendingPosts);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Connects again, now, after <c>[OnDisconnect]</c> returned <see cref="DisconnectResult.Ok"/> (or instead of
    /// waiting for a scheduled reconnect). The attempt runs in the mailbox, in order with everything else; a failed
    /// attempt goes to <c>[OnDisconnect]</c> like any other.
    /// </summary>
    /// <returns>
    /// <see langword="true"/> when the client is connected once the attempt is over (or already was);
    /// <see langword="false"/> when the attempt failed or the client has terminated.
    /// </returns>
    public Task<bool> ConnectAsync(CancellationToken cancellationToken = default)
    {
        var connected = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (State == WebSocketClientState.Terminated || !_mailbox.TryWrite(Mail.Connect(ExplicitConnect, connected)))
        {
            return Task.FromResult(false);
        }

        return connected.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Stops the client: closes the connection with 1000 if there is one (waiting up to
    /// <see cref="WebSocketClientOptions.CloseTimeout"/> for the peer), runs <c>[OnTerminate]</c> with
    /// <see cref="TerminateReason.Stopped"/>, and completes when the client has terminated. Calling it again, or
    /// after the client ended, is harmless. Called from a handler, it returns without waiting (the stop follows once the
    /// handler returns).
    /// </summary>
    /// <param name="cancellationToken">Stops the waiting, not the stop.</param>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_stopping.IsCancellationRequested)
        {
            _mailbox.TryWrite(Mail.Stop);
            _stopping.Cancel();
            CancelConnectAttempt();
        }

        return s_runningIn.Value == this ? Task.CompletedTask : _run.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the client (see <see cref="StopAsync"/>) and waits for it to terminate.</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    // ---------------------------------------------------------------- the mailbox

    /// <summary>The mailbox: every callback runs here, one at a time. Ends with how the client terminated.</summary>
    private async Task<TerminateReason> RunAsync()
    {
        await Loop.Start;
        Interlocked.Increment(ref Live.Mailboxes);
        s_runningIn.Value = this;
        TerminateReason? end = null;
        try
        {
            while (end is null && await _mailbox.WaitToReadAsync().ConfigureAwait(false))
            {
                while (end is null)
                {
                    await _callbacks.EnterAsync().ConfigureAwait(false); // waits while a frame's handler runs inline

                    try
                    {
                        if (!_mailbox.TryRead(out Mail mail))
                        {
                            break;
                        }

                        end = _stopping.IsCancellationRequested && mail.Kind != MailKind.Frame
                            ? await StopConnectionAsync().ConfigureAwait(false)
                            : await HandleAsync(mail).ConfigureAwait(false);
                    }
                    finally
                    {
                        _callbacks.Exit();
                    }
                }
            }
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            end = TerminateReason.Failed(ex);
        }
        catch (Exception)
        {
            // Stopping cancelled what was under way (a connect attempt, a handler that honours its token).
            end = await StopConnectionAsync().ConfigureAwait(false);
        }

        // From here on no frame's handler runs inline: [OnTerminate] is the last callback.
        await _callbacks.EnterAsync().ConfigureAwait(false);
        return await TerminateAsync(end ?? TerminateReason.Stopped).ConfigureAwait(false);
    }

    /// <summary>Handles one mail; returns how the client ends, or null to go on.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<TerminateReason?> HandleAsync(Mail mail)
    {
        switch (mail.Kind)
        {
            case MailKind.Frame:
                await DeliverFrameAsync(mail.Connection!, mail.Received).ConfigureAwait(false);
                return null;
            case MailKind.Info:
                Interlocked.Decrement(ref _pendingPosts);
                return await DeliverInfoAsync(mail.Message!).ConfigureAwait(false);
            case MailKind.CloseInOrder:
                if (mail.Connection == _connection)
                {
                    mail.Connection!.BeginClose(mail.CloseFrame, cause: null, dropUnhandled: false);
                }

                return null;
            case MailKind.Ended when mail.Connection == _connection:
                return await OnConnectionEndedAsync(mail.Connection!, mail.Reason!).ConfigureAwait(false);
            case MailKind.Connect when (mail.Generation == ExplicitConnect || mail.Generation == Volatile.Read(ref _connectGeneration)) && _connection is null:
                Interlocked.Increment(ref _connectGeneration); // a reconnect timer still pending is now stale
                TerminateReason? end = await ConnectOnceAsync().ConfigureAwait(false);
                mail.Connected?.TrySetResult(_connection is not null);
                return end;
            case MailKind.Connect:
                mail.Connected?.TrySetResult(_connection is not null);
                return null;
            case MailKind.Stop:
                return await StopConnectionAsync().ConfigureAwait(false);
            default:
                return null; // a stale reconnect timer, or a connection that is already over
        }
    }

    private async ValueTask<TerminateReason?> ConnectOnceAsync()
    {
        SetState(WebSocketClientState.Connecting);
        Uri url;
        try
        {
            url = _fixedUrl ?? await _urlProvider!(_stopping.Token).ConfigureAwait(false);
            CheckWebSocketUrl(url, "url");
            _endpoint = new Endpoint(url);
        }
        catch (Exception ex) when (!IsStopCancellation(ex))
        {
            // The provider's own exception, unwrapped: [OnDisconnect] can tell a revoked token from a passing failure.
            DisconnectReason reason = DisconnectReason.UrlProviderFailure(ex);
            Log.ConnectFailed(_logger, ++_attemptsSinceConnected, _endpoint, reason.Message, ex);
            SetState(WebSocketClientState.Disconnected);
            return await DecideAfterDisconnectAsync(reason).ConfigureAwait(false);
        }

        if (_attempts++ > 0)
        {
            ClientMetrics.Reconnects.Add(1);
        }

        _attemptsSinceConnected++;
        Log.Connecting(_logger, _endpoint);
        (Connection? connection, DisconnectReason? failure) = await ConnectWithTimeoutAsync(url).ConfigureAwait(false);
        if (connection is null)
        {
            Log.ConnectFailed(_logger, _attemptsSinceConnected, _endpoint, failure!.Message, failure.Exception);
            SetState(WebSocketClientState.Disconnected);
            return await DecideAfterDisconnectAsync(failure).ConfigureAwait(false);
        }

        _attemptsSinceConnected = 0;
        _connection = connection;
        _connectedAt = _options.TimeProvider.GetTimestamp();
        ClientMetrics.Connections.Add(1);
        Log.Connected(_logger, _endpoint);
        SetState(WebSocketClientState.Connected);
        // Contract row 2: OnConnect runs before any frame of this connection is delivered; frames wait in the mailbox.
        HandlerResult result;
        try
        {
            result = await _handler.OnConnectAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!IsStopCancellation(ex))
        {
            CloseForHandlerFailure(connection, "OnConnect", ex);
            return null;
        }

        await ApplyAsync(result, connection).ConfigureAwait(false);
        if (_connection == connection)
        {
            ReleaseConnectionWaiters(terminated: null);
        }

        return null;
    }

    /// <summary>
    /// One connect attempt, ended by <see cref="WebSocketClientOptions.ConnectTimeout"/> or by a stop. Its token is not
    /// linked to the stop token: a linked source would leave its registration's bookkeeping on the client's stop token
    /// for the client's life (about 150 bytes per client); the stop cancels the attempt instead.
    /// </summary>
    private async Task<(Connection? Connection, DisconnectReason? Failure)> ConnectWithTimeoutAsync(Uri url)
    {
        using var attempt = new CancellationTokenSource(_options.ConnectTimeout, _options.TimeProvider);
        Interlocked.Exchange(ref _connectAttempt, attempt); // a full fence: a stop from here on sees the attempt
        if (_stopping.IsCancellationRequested)
        {
            attempt.Cancel(); // the stop came first
        }

        try
        {
            return await Connection.ConnectAsync(url, _options, this, WarnOnCustomCertificateValidation, attempt.Token, _stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Exchange(ref _connectAttempt, null);
        }
    }

    /// <summary>A handler that <see cref="WebSocketClientOptions.ConfigureHandler"/> gave a validation callback is said once, as a warning.</summary>
    private void WarnOnCustomCertificateValidation(SocketsHttpHandler handler)
    {
        if (handler.SslOptions.RemoteCertificateValidationCallback is not null && Interlocked.Exchange(ref _warnedCertificateValidation, 1) == 0)
        {
            Log.CustomCertificateValidation(_logger, _endpoint);
        }
    }

    private void CancelConnectAttempt()
    {
        try
        {
            Volatile.Read(ref _connectAttempt)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt ended as the stop came.
        }
    }

    /// <summary>
    /// Runs the frame's handler and applies what it returns. Synchronous when the handler is and returns
    /// <see cref="HandlerResult.Ok"/> (the usual case: no state machine is entered); otherwise it finishes in
    /// <see cref="FinishFrameAsync"/>. The message's buffer is released either way, once the handler is done with it.
    /// </summary>
    private ValueTask DeliverFrameAsync(Connection connection, Received message)
    {
        bool release = true;
        try
        {
            if (connection != _connection || _stopping.IsCancellationRequested)
            {
                return default;
            }

            if (message.Kind == WebSocketFrameKind.Close)
            {
                // Contract row 5: the peer's close is answered after the replies to what came before it, then [OnClose]
                // runs (a reply of its own would follow our close, and is not sent).
                connection.AnswerClose();
            }
            else if (connection.DropsQueuedFrames)
            {
                return default;
            }

            ValueTask<HandlerResult> handled;
            try
            {
                handled = _handler.OnFrameAsync(message.ToFrame(), _stopping.Token);
            }
            catch (Exception ex) when (!IsStopCancellation(ex))
            {
                CloseForHandlerFailure(connection, "On" + message.Kind, ex);
                return default;
            }

            if (handled.IsCompletedSuccessfully)
            {
                // Its result is read once: a ValueTask backed by a pooled source may be read only once.
                HandlerResult result = handled.Result;
                if (result.Kind == HandlerResultKind.Ok)
                {
                    return default;
                }

                handled = new ValueTask<HandlerResult>(result);
            }

            release = false; // FinishFrameAsync releases it
            return FinishFrameAsync(connection, message, handled);
        }
        finally
        {
            if (release)
            {
                message.Release();
            }
        }
    }

    /// <summary>What <see cref="DeliverFrameAsync"/> could not do at once: awaits the handler, applies its result, releases the message.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FinishFrameAsync(Connection connection, Received message, ValueTask<HandlerResult> handled)
    {
        try
        {
            HandlerResult result;
            try
            {
                result = await handled.ConfigureAwait(false);
            }
            catch (Exception ex) when (!IsStopCancellation(ex))
            {
                CloseForHandlerFailure(connection, "On" + message.Kind, ex);
                return;
            }

            if (result.Kind == HandlerResultKind.Reply && message.Holds(result.Frame.RawPayload))
            {
                // A reply that echoes the received payload outlives it (the buffer goes back to the pool before the
                // reply is written): it takes a copy.
                result = HandlerResult.Reply(result.Frame.WithPayloadCopy());
            }

            await ApplyAsync(result, connection).ConfigureAwait(false);
        }
        finally
        {
            message.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<TerminateReason?> DeliverInfoAsync(object message)
    {
        Connection? connection = _connection;
        HandlerResult result;
        try
        {
            result = await _handler.OnInfoAsync(message, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!IsStopCancellation(ex))
        {
            if (connection is null)
            {
                // No connection to close: a failing handler ends the client, as a failing OnDisconnect does.
                Log.HandlerFailed(_logger, "OnInfo", ex);
                return TerminateReason.Failed(ex);
            }

            CloseForHandlerFailure(connection, "OnInfo", ex);
            return null;
        }

        await ApplyAsync(result, connection).ConfigureAwait(false);
        return null;
    }

    /// <summary>Contract row 12: a handler threw; the connection closes with 1011 and OnDisconnect gets the failure.</summary>
    private void CloseForHandlerFailure(Connection connection, string callback, Exception exception)
    {
        Log.HandlerFailed(_logger, callback, exception);
        connection.BeginClose(WebSocketFrame.Close(1011), DisconnectReason.HandlerFailure(exception));
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ApplyAsync(HandlerResult result, Connection? connection)
    {
        switch (result.Kind)
        {
            case HandlerResultKind.Reply:
                // A reply waits for room in the send queue: a slow peer slows the mailbox, and nothing is lost
                // silently. One that finds no connection is counted; one queued but never written, the connection counts.
                if (connection is null || !await connection.EnqueueAsync(result.Frame, written: null, CancellationToken.None).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref _droppedFrames);
                    ClientMetrics.FramesDropped.Add(1);
                    Log.ReplyDropped(_logger);
                }

                break;
            case HandlerResultKind.Close:
                connection?.BeginClose(result.Frame, cause: null);
                break;
        }
    }

    private async ValueTask<TerminateReason?> OnConnectionEndedAsync(Connection connection, DisconnectReason reason)
    {
        _connection = null;
        CountDropped(connection);
        Log.Disconnected(_logger, _endpoint, reason.Message, reason.Exception);
        SetState(WebSocketClientState.Disconnected);
        if (_options.TimeProvider.GetElapsedTime(_connectedAt) >= _options.ReconnectResetAfter)
        {
            _backoff.Reset();
        }

        return await DecideAfterDisconnectAsync(reason).ConfigureAwait(false);
    }

    /// <summary>Runs <c>[OnDisconnect]</c> and does what it decides, with the <see cref="InitResult"/> (contract rows 1, 8, 12).</summary>
    private async ValueTask<TerminateReason?> DecideAfterDisconnectAsync(DisconnectReason reason)
    {
        DisconnectResult decision;
        try
        {
            decision = await _handler.OnDisconnectAsync(reason, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!IsStopCancellation(ex))
        {
            Log.OnDisconnectFailed(_logger, ex);
            return TerminateReason.Failed(ex); // contract row 12: an exception from OnDisconnect ends the client
        }

        ReconnectDecision next = ReconnectPolicy.Decide(_init, decision, reason, ref _backoff);
        switch (next.Action)
        {
            case ReconnectAction.Reconnect:
                ScheduleConnect(next.Delay);
                return null;
            case ReconnectAction.Terminate:
                return TerminateReason.Closed(next.Reason);
            default:
                return null; // stay disconnected: alive until ConnectAsync()
        }
    }

    private void ScheduleConnect(TimeSpan delay)
    {
        int generation = Interlocked.Increment(ref _connectGeneration);
        Log.ReconnectScheduled(_logger, (long)Math.Ceiling(delay.TotalMilliseconds), _attemptsSinceConnected + 1);
        if (delay <= TimeSpan.Zero)
        {
            _mailbox.TryWrite(Mail.Connect(generation));
            return;
        }

        _ = ConnectWhenDueAsync(delay, generation);
    }

    /// <summary>
    /// Posts the connect once <paramref name="delay"/> has passed on the client's clock. A timer may fire a little early;
    /// a wait that must be "at least" (Retry-After) waits out the remainder.
    /// </summary>
    private async Task ConnectWhenDueAsync(TimeSpan delay, int generation)
    {
        Interlocked.Increment(ref Live.ReconnectTimers);
        TimeProvider time = _options.TimeProvider;
        long start = time.GetTimestamp();
        try
        {
            TimeSpan remaining;
            while ((remaining = delay - time.GetElapsedTime(start)) > TimeSpan.Zero)
            {
                await Wait.AtLeast(remaining, time, _stopping.Token).ConfigureAwait(false);
            }

            _mailbox.TryWrite(Mail.Connect(generation));
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting.
        }
        finally
        {
            Interlocked.Decrement(ref Live.ReconnectTimers);
        }
    }

    /// <summary>The stop path: a close handshake if connected, then the client ends as stopped.</summary>
    private async ValueTask<TerminateReason> StopConnectionAsync()
    {
        if (_connection is { } connection)
        {
            connection.BeginClose(WebSocketFrame.Close(1000), cause: null);
            await connection.Ended.ConfigureAwait(false); // bounded by CloseTimeout
            _connection = null;
            CountDropped(connection);
        }

        return TerminateReason.Stopped;
    }

    private async Task<TerminateReason> TerminateAsync(TerminateReason reason)
    {
        SetState(WebSocketClientState.Terminated);
        _mailbox.Complete();
        if (_connection is { } connection)
        {
            // Ended by a failure while connected: nothing is left to decide, so the connection is dropped.
            connection.Abort();
            _connection = null;
        }

        _stopping.Cancel(); // ends reconnect timers
        while (_mailbox.TryRead(out Mail mail))
        {
            if (mail.Kind == MailKind.Frame)
            {
                mail.Received.Release();
            }

            mail.Connected?.TrySetResult(false);
        }

        // Contract row 13: OnTerminate runs exactly once, last.
        try
        {
            await _handler.OnTerminateAsync(reason).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.OnTerminateFailed(_logger, ex);
            reason = TerminateReason.Failed(ex);
        }

        Log.Terminated(_logger, reason.ToString());
        ReleaseConnectionWaiters(new InvalidOperationException($"The client terminated before it was connected: {reason}."));
        GiveBackHandler();
        Interlocked.Decrement(ref Live.Mailboxes);
        return reason;
    }

    /// <summary>Frames accepted but never written are counted and logged, not silently lost.</summary>
    private void CountDropped(Connection connection)
    {
        ClientMetrics.Connections.Add(-1);
        if (connection.ControlFramesNotDelivered is > 0 and var skipped)
        {
            Log.ControlFramesNotDelivered(_logger, skipped);
        }

        if (connection.DroppedFrames is > 0 and var dropped)
        {
            Interlocked.Add(ref _droppedFrames, dropped);
            ClientMetrics.FramesDropped.Add(dropped);
            Log.FramesDropped(_logger, dropped);
        }
    }

    private static void CheckWebSocketUrl(Uri url, string paramName)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != "ws" && url.Scheme != "wss"))
        {
            throw new ArgumentException($"'{Redaction.Url(url.OriginalString)}' is not a WebSocket URL; expected ws://host/path or wss://host/path.", paramName);
        }
    }

    private bool IsStopCancellation(Exception ex) => ex is OperationCanceledException && _stopping.IsCancellationRequested;

    private void SetState(WebSocketClientState state) => Volatile.Write(ref _state, (int)state);

    // ---------------------------------------------------------------- what the connection tells us

    void IConnectionOwner.OnReceived(Connection connection, Received message)
    {
        if (TryStartInline(connection, message) is not null)
        {
            return;
        }

        if (!_mailbox.TryWrite(Mail.Frame(connection, message)))
        {
            message.Release(); // terminated: nobody will read it
        }
    }

    /// <summary>
    /// Messages up to this size may run inline. A larger one goes through the mailbox: its handler (decoding 16 KiB of
    /// UTF-8, say) then runs on another core while the receive loop reads the next one.
    /// </summary>
    private const int InlineLimit = ReceivePump.InlineLimit;

    InlineOutcome IConnectionOwner.TryHandleInline(Connection connection, Received message) =>
        TryStartInline(connection, message) switch
        {
            null => InlineOutcome.NotTaken,
            { IsCompleted: true } => InlineOutcome.Done,
            _ => InlineOutcome.Pending,
        };

    /// <summary>
    /// Runs the frame's handler here, on the receive loop, when no callback runs, no mail waits and the message is small: what the mailbox
    /// would do, without a hand-off to another thread. A handler that completes synchronously is done before the loop
    /// reads on; one that does not finishes on its own, holding the callbacks until it is done (frames that come
    /// meanwhile wait in the mailbox). The receive loop's flow already says it runs in this client (a handler's
    /// <see cref="StopAsync"/> does not wait for itself).
    /// </summary>
    /// <returns>The inline handler's task (completed when it ran synchronously), or null when it cannot run inline now.</returns>
    private Task? TryStartInline(Connection connection, Received message)
    {
        if (message.Payload.Length > InlineLimit || !_mailbox.IsEmpty || _stopping.IsCancellationRequested || !_callbacks.TryEnter())
        {
            return null;
        }

        if (!_mailbox.IsEmpty)
        {
            _callbacks.Exit(); // a mail came first: it goes first
            return null;
        }

        // A handler that completes synchronously is done (and the callbacks free) when this returns: no state machine.
        ValueTask delivered;
        try
        {
            delivered = DeliverFrameAsync(connection, message);
        }
        catch (Exception)
        {
            // A stop cancelled the handler: the mailbox stops the client.
            _callbacks.Exit();
            return Task.CompletedTask;
        }

        if (delivered.IsCompletedSuccessfully)
        {
            delivered.GetAwaiter().GetResult(); // consumed, as a pooled source wants
            _callbacks.Exit();
            return Task.CompletedTask;
        }

        return FinishInlineAsync(delivered);
    }

    private async Task FinishInlineAsync(ValueTask delivered)
    {
        try
        {
            await delivered.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A stop cancelled the handler: the mailbox stops the client.
        }
        finally
        {
            _callbacks.Exit();
        }
    }

    ILogger IConnectionOwner.Logger => _logger;

    void IConnectionOwner.CloseInOrder(Connection connection, WebSocketFrame close) =>
        _mailbox.TryWrite(Mail.CloseInOrder(connection, close));

    void IConnectionOwner.OnEnded(Connection connection, DisconnectReason reason) =>
        _mailbox.TryWrite(Mail.Ended(connection, reason));

    private enum MailKind
    {
        Connect,
        Frame,
        CloseInOrder,
        Ended,
        Info,
        Stop,
    }

    /// <summary>The generation of a connect the user asked for: it is never stale.</summary>
    private const int ExplicitConnect = -1;

    /// <summary>
    /// One item of the mailbox. <see cref="Item"/> is what the kind carries besides a received message or a close
    /// frame: the message of an info, the reason of an ended connection, the caller's task of an explicit connect.
    /// Kept small: a mailbox of them is held by every idle client.
    /// </summary>
    private readonly record struct Mail(MailKind Kind, Connection? Connection = null, Received Received = default, object? Item = null, int Generation = 0)
    {
        public static Mail Stop => new(MailKind.Stop);

        public object? Message => Kind == MailKind.Info ? Item : null;

        public DisconnectReason? Reason => Item as DisconnectReason;

        public TaskCompletionSource<bool>? Connected => Item as TaskCompletionSource<bool>;

        public static Mail Connect(int generation, TaskCompletionSource<bool>? connected = null) =>
            new(MailKind.Connect, Item: connected, Generation: generation);

        public static Mail Frame(Connection connection, Received received) => new(MailKind.Frame, connection, received);

        /// <summary>A close frame the connection needs sent in order (rare: boxed in <see cref="Item"/>, to keep every mail small).</summary>
        public WebSocketFrame CloseFrame => (WebSocketFrame)Item!;

        public static Mail CloseInOrder(Connection connection, WebSocketFrame close) => new(MailKind.CloseInOrder, connection, Item: close);

        public static Mail Ended(Connection connection, DisconnectReason reason) => new(MailKind.Ended, connection, Item: reason);

        public static Mail Info(object message) => new(MailKind.Info, Item: message);
    }
}
