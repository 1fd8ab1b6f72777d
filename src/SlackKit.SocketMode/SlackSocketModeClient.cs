using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SlackKit.SocketMode.CompilerServices;
using SlackKit.SocketMode.Internal;
using SlackKit.WebSockets;

namespace SlackKit.SocketMode;

/// <summary>
/// A running Socket Mode app: keeps <see cref="SlackSocketModeOptions.Connections"/> connections open (a URL from
/// <c>apps.connections.open</c> before every attempt), acks every envelope within Slack's 3 seconds, drops Slack's
/// retries and duplicates, and runs the app's handlers off the connections, at most
/// <see cref="SlackSocketModeOptions.MaxConcurrentHandlers"/> at once and in order per channel.
/// </summary>
/// <remarks>
/// <para>
/// Events are acked before their handler runs. A slash command or an interaction whose handler returns a
/// <see cref="SlackResponse"/> is acked with it when the handler finishes within <see cref="SlackSocketModeOptions.AckTimeout"/>;
/// otherwise it is acked empty in time and the response goes to its <c>response_url</c> when the handler finishes.
/// </para>
/// <para>
/// A <c>disconnect</c> warning (or refresh request) opens the next connection before the current one is let go, so no
/// event waits in a gap; a dead connection (a ping unanswered for <see cref="SlackSocketModeOptions.PingTimeout"/>)
/// is replaced. A token Slack refuses, or <c>link_disabled</c>, ends the app: <see cref="Completion"/> fails with a
/// <see cref="SlackSocketModeException"/> naming Slack's error.
/// </para>
/// </remarks>
public sealed class SlackSocketModeClient : IAsyncDisposable
{
    /// <summary>How long a connection Slack warned about may stay open once its replacement is ready.</summary>
    internal static readonly TimeSpan RetiredConnectionGrace = TimeSpan.FromSeconds(30);

    private readonly ISlackApp _app;
    private readonly SlackSocketModeOptions _options;
    private readonly ILogger _logger;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly Deduper _dedupe;
    private readonly HandlerScheduler _scheduler;
    private readonly CancellationTokenSource _handlersCancelled = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstHello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<(SlackRouteKind, string), bool> _unrouted = new();
    private readonly ConcurrentDictionary<string, bool> _unknownTypes = new(StringComparer.Ordinal);

    // Under _gate: which connection serves each slot, the replacement opening for a slot after a warning, every
    // connection not yet ended (the retiring ones too), and whether the app is stopping.
    private readonly object _gate = new();
    private readonly SocketModeConnection?[] _current;
    private readonly SocketModeConnection?[] _replacing;
    private readonly HashSet<SocketModeConnection> _open = [];
    private Task? _stopping;
    private int _nextId;

    private int _ready;
    private int _numConnections;
    private string? _appId;

    private SlackSocketModeClient(ISlackApp app, SlackSocketModeOptions options, SlackApi api, ILoggerFactory? loggerFactory)
    {
        _app = app;
        _options = options;
        Api = api;
        _loggerFactory = loggerFactory;
        _logger = (ILogger?)loggerFactory?.CreateLogger("SlackKit.SocketMode") ?? NullLogger.Instance;
        _dedupe = new Deduper(options.DedupeCapacity);
        _scheduler = new HandlerScheduler(options.MaxConcurrentHandlers);
        _current = new SocketModeConnection?[options.Connections];
        _replacing = new SocketModeConnection?[options.Connections];
    }

    /// <summary>
    /// Starts <paramref name="app"/> (a <see cref="SlackAppAttribute"/> class) on Socket Mode: opens its connections
    /// and returns at once; <see cref="WaitUntilConnectedAsync"/> waits for the first <c>hello</c>.
    /// </summary>
    /// <param name="app">The app: a <c>[SlackApp] partial class</c> instance (the generator makes it an <see cref="ISlackApp"/>). Its handlers may run concurrently.</param>
    /// <param name="options">Tokens and limits; validated here (copied: later changes have no effect).</param>
    /// <param name="api">The Web API client the app was given, if any; one on <paramref name="options"/> otherwise.</param>
    /// <param name="loggerFactory">Where the app and its connections log; nowhere when null.</param>
    /// <exception cref="ArgumentException">An option is missing or out of range (the message names it).</exception>
    public static SlackSocketModeClient Start(ISlackApp app, SlackSocketModeOptions options, SlackApi? api = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        SlackSocketModeOptions own = options.Clone();
        var client = new SlackSocketModeClient(app, own, api ?? new SlackApi(own), loggerFactory);
        for (int slot = 0; slot < own.Connections; slot++)
        {
            client.Open(slot, replacing: false);
        }

        return client;
    }

    /// <summary>The Web API client handlers are given (<see cref="SlackContext.Api"/>).</summary>
    public SlackApi Api { get; }

    /// <summary>Connections that said <c>hello</c> and are open now.</summary>
    public int ConnectedCount => Volatile.Read(ref _ready);

    /// <summary>What the last <c>hello</c> said: how many connections Slack counts for the app.</summary>
    public int NumConnections => Volatile.Read(ref _numConnections);

    /// <summary>The app's id (<c>A...</c>), from the first <c>hello</c>.</summary>
    public string? AppId => Volatile.Read(ref _appId);

    /// <summary>Handlers scheduled and not finished.</summary>
    public int HandlersRunning => _scheduler.Running;

    /// <summary>
    /// Completes when the app has stopped: after <see cref="StopAsync"/>, or failed with a
    /// <see cref="SlackSocketModeException"/> when Slack refused the token or switched Socket Mode off.
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>Completes at the first <c>hello</c>; throws if the app ends first.</summary>
    public async Task WaitUntilConnectedAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAny(_firstHello.Task, _completion.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_firstHello.Task.IsCompleted)
        {
            return;
        }

        await _completion.Task.ConfigureAwait(false); // throws the failure that ended the app
        throw new InvalidOperationException("The Socket Mode app stopped before it connected.");
    }

    /// <summary>
    /// Stops: closes every connection (waiting at most <see cref="SlackSocketModeOptions.CloseTimeout"/> for Slack to
    /// end each), then waits for running handlers; when <paramref name="cancellationToken"/> fires first, their
    /// cancellation tokens are cancelled and they are waited for no longer.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => Stop(null, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (SlackSocketModeException)
        {
            // The failure is Completion's to report.
        }
    }

    private void Open(int slot, bool replacing)
    {
        SocketModeConnection connection;
        lock (_gate)
        {
            if (_stopping is not null)
            {
                return;
            }

            connection = new SocketModeConnection(this, slot, ++_nextId);
            if (replacing)
            {
                _replacing[slot] = connection;
            }
            else
            {
                _current[slot] = connection;
            }

            _open.Add(connection);
        }

        var options = new WebSocketClientOptions
        {
            KeepAlive = _options.PingInterval,
            KeepAliveTimeout = _options.PingTimeout,
            CloseTimeout = _options.CloseTimeout,
            TimeProvider = _options.TimeProvider,
            LoggerFactory = _loggerFactory,
        };
        WebSocketClient client = WebSocketClient.Start(cancellationToken => new ValueTask<Uri>(Api.OpenConnectionAsync(cancellationToken)), connection, options);
        connection.Client = client;
        client.Completion.ContinueWith(_ => Ended(connection), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void NotReady(SocketModeConnection connection)
    {
        if (connection.BecomeNotReady())
        {
            Interlocked.Decrement(ref _ready);
            SocketModeMetrics.Connections.Add(-1);
        }
    }

    /// <summary>Its client ended (stopped, or terminated after [OnDisconnect] said so).</summary>
    private void Ended(SocketModeConnection connection)
    {
        NotReady(connection);
        lock (_gate)
        {
            _open.Remove(connection);
        }
    }

    /// <summary>A text frame on <paramref name="connection"/>'s mailbox.</summary>
    internal HandlerResult OnMessage(SocketModeConnection connection, WebSocketClient client, ReadOnlySpan<byte> utf8)
    {
        long arrived = _options.TimeProvider.GetTimestamp();
        SocketMessage message = SocketMessage.Parse(utf8);
        switch (message.Kind)
        {
            case SocketMessageKind.Envelope:
                OnEnvelope(client, message, arrived);
                break;
            case SocketMessageKind.Hello:
                OnHello(connection, message);
                break;
            case SocketMessageKind.Disconnect:
                return OnDisconnectMessage(connection, message.Reason ?? "");
            case SocketMessageKind.Unknown:
                if (_unknownTypes.TryAdd(message.Type, true))
                {
                    Log.UnknownType(_logger, message.Type);
                }

                break;
            default:
                Log.Malformed(_logger, connection.Id, utf8.Length, message.Type);
                break;
        }

        return HandlerResult.Ok;
    }

    private void OnHello(SocketModeConnection connection, SocketMessage hello)
    {
        if (connection.BecomeReady())
        {
            Interlocked.Increment(ref _ready);
            SocketModeMetrics.Connections.Add(1);
        }

        Volatile.Write(ref _numConnections, hello.NumConnections);
        if (hello.AppId is not null)
        {
            Volatile.Write(ref _appId, hello.AppId);
        }

        Log.Hello(_logger, connection.Id, hello.NumConnections, hello.AppId);
        SocketModeConnection? retiring = null;
        lock (_gate)
        {
            if (_replacing[connection.Slot] == connection)
            {
                // The replacement is ready: it takes the slot, and the connection Slack warned about is let go.
                retiring = _current[connection.Slot];
                _current[connection.Slot] = connection;
                _replacing[connection.Slot] = null;
            }
        }

        if (retiring is not null)
        {
            // Slack closes the connection it warned about (in about 10 s) and sends nothing on it after its close:
            // until then what comes on it is handled and acked there. Should Slack leave it open, it is closed here.
            retiring.Retired = true;
            ITimer? timer = null;
            timer = _options.TimeProvider.CreateTimer(_ =>
            {
                timer?.Dispose();
                _ = retiring.Client?.StopAsync();
            }, null, RetiredConnectionGrace, Timeout.InfiniteTimeSpan);
        }

        _firstHello.TrySetResult();
    }

    private HandlerResult OnDisconnectMessage(SocketModeConnection connection, string reason)
    {
        switch (reason)
        {
            case "link_disabled":
                Fail(new SlackSocketModeException("socket_mode", "link_disabled",
                    "Socket Mode was switched off for the app (api.slack.com/apps > Socket Mode); no reconnect fixes that."));
                return HandlerResult.Ok;
            case "too_many_websockets":
                connection.TooManyWebSockets = true;
                return HandlerResult.Close();
            default:
                // "warning" (closed in about 10 s), "refresh_requested" or a reason yet unknown: open the next
                // connection now and let this one go once it said hello, so that nothing waits in a gap.
                if (reason == "warning")
                {
                    Log.Warning(_logger, connection.Id, reason);
                }
                else
                {
                    Log.Refresh(_logger, connection.Id, reason);
                }

                bool replace;
                lock (_gate)
                {
                    replace = !connection.Retired && _current[connection.Slot] == connection && _replacing[connection.Slot] is null;
                }

                if (replace)
                {
                    Open(connection.Slot, replacing: true);
                }

                return HandlerResult.Ok;
        }
    }

    /// <summary>What a connection that ended (or failed to open) does next.</summary>
    internal DisconnectResult OnDisconnected(SocketModeConnection connection, DisconnectReason reason)
    {
        NotReady(connection);

        if (reason.Kind == DisconnectKind.UrlProviderFailed && reason.Exception is SlackSocketModeException fatal)
        {
            Fail(fatal);
            return DisconnectResult.Close(fatal.Message);
        }

        bool replacedMeanwhile;
        lock (_gate)
        {
            if (_stopping is not null || connection.Retired)
            {
                return DisconnectResult.Close("retired");
            }

            // Slack closed the connection it warned about before its replacement said hello: the replacement takes
            // the slot as it is; this one does not come back.
            replacedMeanwhile = _replacing[connection.Slot] is not null && _current[connection.Slot] == connection;
            if (replacedMeanwhile)
            {
                _current[connection.Slot] = _replacing[connection.Slot];
                _replacing[connection.Slot] = null;
            }
        }

        if (replacedMeanwhile)
        {
            connection.Retired = true;
            return DisconnectResult.Close("replaced");
        }

        if (connection.TooManyWebSockets)
        {
            connection.TooManyWebSockets = false;
            TimeSpan wait = TimeSpan.FromSeconds(30);
            Log.TooManyWebSockets(_logger, connection.Id, wait.TotalSeconds);
            return DisconnectResult.ReconnectAfter(wait);
        }

        Log.Lost(_logger, connection.Id, reason.Message);
        return DisconnectResult.Reconnect;
    }

    private void OnEnvelope(WebSocketClient client, SocketMessage envelope, long arrived)
    {
        SocketModeMetrics.Envelopes.Add(1, SocketModeMetrics.EnvelopeType(envelope.Type));
        if (envelope.RetryAttempt > 0)
        {
            SocketModeMetrics.Retries.Add(1);
        }

        if (!_dedupe.TryClaim(envelope.DedupeKey))
        {
            SocketModeMetrics.Duplicates.Add(1);
            Log.Duplicate(_logger, envelope.EnvelopeId, envelope.DedupeKey, envelope.RetryAttempt);
            Ack(client, envelope, null, arrived);
            return;
        }

        string? name = envelope.RouteName;
        if (name is null || !_app.Handles(envelope.RouteKind, name))
        {
            Ack(client, envelope, null, arrived);
            if (_unrouted.TryAdd((envelope.RouteKind, name ?? "(none)"), true))
            {
                Log.Unrouted(_logger, envelope.RouteKind, name ?? "(none)");
            }

            return;
        }

        var context = new SlackContext(envelope.RouteKind, name, envelope.RoutePayload, envelope.EnvelopeId, envelope.EventId, envelope.RetryAttempt, Api);
        if (!envelope.AcceptsResponsePayload)
        {
            Ack(client, envelope, null, arrived); // before the handler: whatever it does, Slack has its ack
            _scheduler.Schedule(envelope.OrderKey, () => RunAsync(context, envelope, pending: null));
            return;
        }

        var pending = new PendingAck(this, client, envelope, arrived);
        pending.Arm(_options.AckTimeout, _options.TimeProvider);
        _scheduler.Schedule(envelope.OrderKey, () => RunAsync(context, envelope, pending));
    }

    private async Task RunAsync(SlackContext context, SocketMessage envelope, PendingAck? pending)
    {
        SlackResponse? response = null;
        try
        {
            response = await _app.HandleAsync(context, _handlersCancelled.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SocketModeMetrics.HandlerFailures.Add(1);
            Log.HandlerFailed(_logger, context.Kind, context.Name, context.EnvelopeId, ex);
        }

        if (pending is not null && pending.TryAckWith(response))
        {
            return; // in time: the response (if any) went in the ack
        }

        if (response is null)
        {
            return;
        }

        SocketModeMetrics.LateResponses.Add(1);
        if (envelope.ResponseUrl is null)
        {
            Log.ResponseLost(_logger, context.Kind, context.Name, context.EnvelopeId, "it missed the ack and the payload has no response_url", null);
            return;
        }

        Log.LateResponse(_logger, context.Kind, context.Name, context.EnvelopeId);
        try
        {
            await Api.RespondAsync(envelope.ResponseUrl, response, _handlersCancelled.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ResponseLost(_logger, context.Kind, context.Name, context.EnvelopeId, "POSTing it to response_url failed", ex);
        }
    }

    /// <summary>Queues the ack of <paramref name="envelope"/> (with <paramref name="response"/> as its payload); false when the connection is gone.</summary>
    private bool Ack(WebSocketClient client, SocketMessage envelope, SlackResponse? response, long arrived)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + (response?.Json.Length ?? 0));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("envelope_id", envelope.EnvelopeId);
            if (response is not null)
            {
                writer.WritePropertyName("payload");
                writer.WriteRawValue(response.Json, skipInputValidation: true); // validated when the response was made
            }

            writer.WriteEndObject();
        }

        bool queued = client.Cast(WebSocketFrame.Text(buffer.WrittenMemory));
        if (queued)
        {
            SocketModeMetrics.Acks.Add(1, response is null ? SocketModeMetrics.WithoutPayload : SocketModeMetrics.WithPayload);
            SocketModeMetrics.AckLatency.Record(_options.TimeProvider.GetElapsedTime(arrived).TotalMilliseconds);
        }

        return queued;
    }

    private void Fail(SlackSocketModeException exception)
    {
        Log.Fatal(_logger, exception.Message, exception);
        _ = Task.Run(() => Stop(exception, CancellationToken.None));
    }

    private Task Stop(SlackSocketModeException? failure, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _stopping ??= StopCoreAsync(failure, cancellationToken);
            return _stopping;
        }
    }

    private async Task StopCoreAsync(SlackSocketModeException? failure, CancellationToken cancellationToken)
    {
        await Task.Yield(); // out of the caller's lock
        SocketModeConnection[] open;
        lock (_gate)
        {
            open = [.. _open];
        }

        foreach (SocketModeConnection connection in open)
        {
            connection.Retired = true;
        }

        await Task.WhenAll(open.Select(c => c.Client?.StopAsync() ?? Task.CompletedTask)).ConfigureAwait(false);
        try
        {
            await _scheduler.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _handlersCancelled.Cancel(); // the handlers are told to give up; they are not waited for
        }

        if (failure is not null)
        {
            _completion.TrySetException(failure);
        }
        else
        {
            _completion.TrySetResult();
        }
    }

    /// <summary>
    /// The ack of an envelope whose handler's response may go in it: sent with the response when the handler finishes
    /// first, or empty when <see cref="SlackSocketModeOptions.AckTimeout"/> comes first. Decided once, by whichever
    /// side moves <see cref="_state"/> first (the timer's thread or the handler's).
    /// </summary>
    private sealed class PendingAck(SlackSocketModeClient app, WebSocketClient client, SocketMessage envelope, long arrived)
    {
        private int _state; // 0 pending, 1 acked
        private ITimer? _timer;

        public void Arm(TimeSpan timeout, TimeProvider time) =>
            _timer = time.CreateTimer(static s => ((PendingAck)s!).AckEmpty(), this, timeout, Timeout.InfiniteTimeSpan);

        /// <summary>True when the ack (with <paramref name="response"/>) went out now, in time.</summary>
        public bool TryAckWith(SlackResponse? response)
        {
            if (Interlocked.Exchange(ref _state, 1) != 0)
            {
                return false;
            }

            _timer?.Dispose();
            return app.Ack(client, envelope, response, arrived) || response is null;
        }

        private void AckEmpty()
        {
            if (Interlocked.Exchange(ref _state, 1) == 0)
            {
                app.Ack(client, envelope, null, arrived);
            }
        }
    }
}
