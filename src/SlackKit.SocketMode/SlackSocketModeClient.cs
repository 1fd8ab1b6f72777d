using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SlackKit.SocketMode.Claims;
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
    private readonly ClaimCoordinator _claims;
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

    private SlackSocketModeClient(ISlackApp app, SlackSocketModeOptions options, SlackApi api, ILoggerFactory? loggerFactory, ISlackClaimStore? claimStore)
    {
        _app = app;
        _options = options;
        Api = api;
        _loggerFactory = loggerFactory;
        _logger = (ILogger?)loggerFactory?.CreateLogger("SlackKit.SocketMode") ?? NullLogger.Instance;
        _claims = new ClaimCoordinator(claimStore, options, _logger, TakeOver);
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
    /// <param name="claimStore">
    /// Where this instance and the app's other instances claim envelopes, so that each event is handled once across
    /// them (see <see cref="ISlackClaimStore"/>); null when this process is the app's only instance (a set in the process).
    /// </param>
    /// <exception cref="ArgumentException">An option is missing or out of range (the message names it).</exception>
    public static SlackSocketModeClient Start(ISlackApp app, SlackSocketModeOptions options, SlackApi? api = null, ILoggerFactory? loggerFactory = null, ISlackClaimStore? claimStore = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        SlackSocketModeOptions own = options.Clone();
        var client = new SlackSocketModeClient(app, own, api ?? new SlackApi(own), loggerFactory, claimStore);
        if (claimStore is not null)
        {
            Log.ClaimStore(client._logger, claimStore.GetType().Name, own.InstanceId, own.ClaimLease.TotalSeconds, own.ClaimExpiry.TotalMinutes,
                claimStore is IBestEffortClaimStore ? "; best effort: not atomic, no takeover of a dead instance's events" : "");
            if (claimStore is DistributedCacheClaimStore { OnRedis: true })
            {
                Log.RedisWithoutUseRedis(client._logger);
            }
        }

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
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task stopping = Stop(null);
        using (cancellationToken.Register(static cancelled => ((CancellationTokenSource)cancelled!).Cancel(), _handlersCancelled))
        {
            await stopping.ConfigureAwait(false); // whoever stops first, any caller's token gives up on the handlers
        }
    }

    /// <summary>
    /// Stops (see <see cref="StopAsync"/>), giving running handlers <see cref="DisposeGrace"/> (30 s) to finish; past
    /// it their cancellation tokens are cancelled and they are not waited for. A failure that ended the app is not
    /// thrown here (<see cref="Completion"/> holds it).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(DisposeGrace, _options.TimeProvider);
        try
        {
            await StopAsync(grace.Token).ConfigureAwait(false);
        }
        catch (SlackSocketModeException)
        {
            // The failure is Completion's to report.
        }
    }

    /// <summary>How long <see cref="DisposeAsync"/> waits for running handlers.</summary>
    public static readonly TimeSpan DisposeGrace = TimeSpan.FromSeconds(30);

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
    /// <remarks>
    /// An envelope's ack is queued here, before the handler is scheduled; when the send queue is full the mailbox
    /// waits for room (the receive loop then stops reading: Slack is pushed back, and no ack is dropped).
    /// </remarks>
    internal ValueTask<HandlerResult> OnMessage(SocketModeConnection connection, WebSocketClient client, ReadOnlySpan<byte> utf8)
    {
        long arrived = _options.TimeProvider.GetTimestamp();
        SocketMessage message = SocketMessage.Parse(utf8);
        switch (message.Kind)
        {
            case SocketMessageKind.Envelope:
                if (_claims.Shared && _options.WhenClaimStoreUnavailable == SlackClaimStoreOutage.Refuse)
                {
                    // The ack waits for the claim: an envelope the store cannot take is not acked, and Slack sends it again.
                    return OnRefusableEnvelopeAsync(client, message, utf8.ToArray(), arrived);
                }

                ValueTask acked;
                if (!_claims.TryClaimLocally(message.DedupeKey))
                {
                    acked = OnEnvelope(client, message, arrived, ClaimOutcome.Taken);
                }
                else
                {
                    // With a shared store, the claim (the envelope as Slack sent it goes with it: another instance may
                    // run it) is not waited for here: the envelope is acked now, its handler takes its place in the
                    // order now, and runs once the claim says it is this instance's.
                    Task<ClaimOutcome>? shared = _claims.Shared ? _claims.ClaimInStoreAsync(message.DedupeKey, utf8.ToArray()) : null;
                    acked = OnEnvelope(client, message, arrived, ClaimOutcome.Ours, shared);
                }

                return acked.IsCompletedSuccessfully ? default : AfterAckAsync(acked);
            case SocketMessageKind.Hello:
                OnHello(connection, message);
                break;
            case SocketMessageKind.Disconnect:
                return new ValueTask<HandlerResult>(OnDisconnectMessage(connection, message.Reason ?? ""));
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

        return default;

        static async ValueTask<HandlerResult> AfterAckAsync(ValueTask acked)
        {
            await acked.ConfigureAwait(false);
            return HandlerResult.Ok;
        }
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

    private async ValueTask<HandlerResult> OnRefusableEnvelopeAsync(WebSocketClient client, SocketMessage envelope, byte[] utf8, long arrived)
    {
        ClaimOutcome claim = await _claims.ClaimAsync(envelope.DedupeKey, utf8).ConfigureAwait(false);
        await OnEnvelope(client, envelope, arrived, claim).ConfigureAwait(false);
        return HandlerResult.Ok;
    }

    /// <param name="client">The connection's client, which acks.</param>
    /// <param name="envelope">The envelope.</param>
    /// <param name="arrived">When it arrived (timestamp).</param>
    /// <param name="claim">What the claim said (or, with <paramref name="shared"/>, what the process's own said).</param>
    /// <param name="shared">The claim in the shared store, still running: the handler runs only if it is this instance's.</param>
    private ValueTask OnEnvelope(WebSocketClient client, SocketMessage envelope, long arrived, ClaimOutcome claim, Task<ClaimOutcome>? shared = null)
    {
        SocketModeMetrics.Envelopes.Add(1, SocketModeMetrics.EnvelopeType(envelope.Type));
        if (envelope.RetryAttempt > 0)
        {
            SocketModeMetrics.Retries.Add(1);
        }

        switch (claim)
        {
            case ClaimOutcome.Taken:
                SocketModeMetrics.Duplicates.Add(1);
                Log.Duplicate(_logger, envelope.EnvelopeId, envelope.DedupeKey, envelope.RetryAttempt);
                return Acked(AckAsync(client, envelope, null, arrived));
            case ClaimOutcome.Refused:
                return default; // not acked: Slack sends it again, when the claim store may be back
        }

        string? name = envelope.RouteName;
        if (name is null || !_app.Handles(envelope.RouteKind, name))
        {
            if (_unrouted.TryAdd((envelope.RouteKind, name ?? "(none)"), true))
            {
                Log.Unrouted(_logger, envelope.RouteKind, name ?? "(none)");
            }

            _ = CompleteWhenClaimedAsync(envelope.DedupeKey, shared);
            return Acked(AckAsync(client, envelope, null, arrived));
        }

        ValueTask acked = default;
        PendingAck? pending = null;
        if (envelope.AcceptsResponsePayload)
        {
            pending = new PendingAck(this, client, envelope, arrived); // acked by the handler's answer, or empty at AckTimeout
            // AckTimeout counts from the envelope's arrival: a claim the ack waited for (Refuse) took some of it.
            TimeSpan left = _options.AckTimeout - _options.TimeProvider.GetElapsedTime(arrived);
            pending.Arm(left > TimeSpan.Zero ? left : TimeSpan.Zero, _options.TimeProvider);
        }
        else
        {
            acked = Acked(AckAsync(client, envelope, null, arrived)); // before the handler: whatever it does, Slack has its ack
        }

        Schedule(envelope, name, pending, shared is null ? null : AdmitAsync(shared, envelope, pending));
        return acked;

        static ValueTask Acked(ValueTask<bool> ack)
        {
            if (ack.IsCompletedSuccessfully)
            {
                return default;
            }

            return new ValueTask(ack.AsTask());
        }
    }

    /// <summary>True when the shared claim is this instance's; else the envelope is a duplicate (acked empty if its ack waits).</summary>
    private async Task<bool> AdmitAsync(Task<ClaimOutcome> shared, SocketMessage envelope, PendingAck? pending)
    {
        if (await shared.ConfigureAwait(false) != ClaimOutcome.Taken)
        {
            return true; // ours, or the store is out and the policy is to handle
        }

        SocketModeMetrics.Duplicates.Add(1);
        Log.Duplicate(_logger, envelope.EnvelopeId, envelope.DedupeKey, envelope.RetryAttempt);
        if (pending is not null)
        {
            await pending.TryAckWithAsync(null).ConfigureAwait(false);
        }

        return false;
    }

    private async Task CompleteWhenClaimedAsync(string key, Task<ClaimOutcome>? shared)
    {
        if (shared is null || await shared.ConfigureAwait(false) != ClaimOutcome.Taken)
        {
            await _claims.CompleteAsync(key).ConfigureAwait(false);
        }
    }

    /// <summary>A claim another instance did not finish, taken over: its handler runs here (its ack was Slack's long ago).</summary>
    private void TakeOver(SlackExpiredClaim claim)
    {
        SocketMessage envelope = SocketMessage.Parse(claim.Envelope.Span);
        string? name = envelope.RouteName;
        if (envelope.Kind != SocketMessageKind.Envelope || name is null || !_app.Handles(envelope.RouteKind, name))
        {
            Log.TakeOverUnreadable(_logger, claim.Key);
            _ = _claims.CompleteAsync(claim.Key).AsTask();
            return;
        }

        Schedule(envelope, name, pending: null);
    }

    /// <summary>Hands the envelope to its route <paramref name="name"/>'s handler, in its channel's order (with <see cref="SlackSocketModeOptions.OrderPerChannel"/>).</summary>
    private void Schedule(SocketMessage envelope, string name, PendingAck? pending, Task<bool>? admit = null)
    {
        var context = new SlackContext(envelope.RouteKind, name, envelope.RoutePayload, envelope.EnvelopeId, envelope.EventId, envelope.RetryAttempt, Api);
        _scheduler.Schedule(_options.OrderPerChannel ? envelope.OrderKey : null, () => RunAsync(context, envelope, pending), admit);
    }

    private async Task RunAsync(SlackContext context, SocketMessage envelope, PendingAck? pending)
    {
        SlackResponse? response = null;
        try
        {
            response = await _app.HandleAsync(context, _handlersCancelled.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_handlersCancelled.IsCancellationRequested)
        {
            // The stop would not wait for it: with a shared store, its claim is left to run out, and another instance
            // runs it again (nothing is lost to a shutdown timeout).
            _claims.Abandon(envelope.DedupeKey);
            return;
        }
        catch (Exception ex)
        {
            SocketModeMetrics.HandlerFailures.Add(1);
            Log.HandlerFailed(_logger, context.Kind, context.Name, context.EnvelopeId, ex);
        }

        // Done (a handler that threw is done too: Slack would not send it again either). Awaited here, so that a
        // stopping app has told the store before it ends, and no other instance runs it again.
        await _claims.CompleteAsync(envelope.DedupeKey).ConfigureAwait(false);

        if (pending is not null && await pending.TryAckWithAsync(response).ConfigureAwait(false))
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

    /// <summary>
    /// Queues the ack of <paramref name="envelope"/> (with <paramref name="response"/> as its payload) on the connection
    /// it came on; when the send queue is full, waits for room (at most <see cref="AckRoomWait"/>). False when the
    /// connection is gone: Slack sends the envelope again, and the retry is acked (its handler does not run twice).
    /// </summary>
    private ValueTask<bool> AckAsync(WebSocketClient client, SocketMessage envelope, SlackResponse? response, long arrived)
    {
        WebSocketFrame ack = WebSocketFrame.Text(AckJson(envelope.EnvelopeId, response));
        if (client.Cast(ack))
        {
            Acked(response, arrived);
            return new ValueTask<bool>(true);
        }

        if (client.State != WebSocketClientState.Connected)
        {
            return new ValueTask<bool>(false);
        }

        Log.AckWaitsForRoom(_logger, envelope.EnvelopeId);
        return AckWhenRoomAsync(client, ack, response, arrived);
    }

    private async ValueTask<bool> AckWhenRoomAsync(WebSocketClient client, WebSocketFrame ack, SlackResponse? response, long arrived)
    {
        using var patience = new CancellationTokenSource(AckRoomWait, _options.TimeProvider);
        try
        {
            await client.SendAsync(ack, patience.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            return false; // the connection went, or the writer is stuck: Slack sends it again
        }

        Acked(response, arrived);
        return true;
    }

    /// <summary>How long an ack waits for room in a full send queue before it is given up (Slack resends after 3 s anyway).</summary>
    private static readonly TimeSpan AckRoomWait = TimeSpan.FromSeconds(3);

    private void Acked(SlackResponse? response, long arrived)
    {
        SocketModeMetrics.Acks.Add(1, response is null ? SocketModeMetrics.WithoutPayload : SocketModeMetrics.WithPayload);
        SocketModeMetrics.AckLatency.Record(_options.TimeProvider.GetElapsedTime(arrived).TotalMilliseconds);
    }

    private static readonly byte[] AckStart = "{\"envelope_id\":\""u8.ToArray();
    private static readonly byte[] AckPayload = "\",\"payload\":"u8.ToArray();

    /// <summary><c>{"envelope_id":"..."}</c>, or with <c>"payload":{...}</c>: written directly, one array.</summary>
    private static byte[] AckJson(string envelopeId, SlackResponse? response)
    {
        // Slack's envelope ids are letters, digits and dashes: written as they are, straight into the ack; anything
        // else is escaped first.
        byte[]? escaped = IsPlain(envelopeId) ? null : JsonEncodedText.Encode(envelopeId).EncodedUtf8Bytes.ToArray();
        int idLength = escaped?.Length ?? envelopeId.Length;
        int payloadLength = response is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(response.Json);
        byte[] json = new byte[AckStart.Length + idLength + (response is null ? 2 : AckPayload.Length + payloadLength + 1)];
        var span = json.AsSpan();
        AckStart.CopyTo(span);
        if (escaped is null)
        {
            System.Text.Encoding.ASCII.GetBytes(envelopeId, span.Slice(AckStart.Length, idLength));
        }
        else
        {
            escaped.CopyTo(span[AckStart.Length..]);
        }

        int at = AckStart.Length + idLength;
        if (response is null)
        {
            span[at] = (byte)'"';
            span[at + 1] = (byte)'}';
            return json;
        }

        AckPayload.CopyTo(span[at..]);
        at += AckPayload.Length;
        at += System.Text.Encoding.UTF8.GetBytes(response.Json, span[at..]); // a JSON object, validated when the response was made
        span[at] = (byte)'}';
        return json;
    }

    private static bool IsPlain(string id)
    {
        foreach (char c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '.')
            {
                return false;
            }
        }

        return true;
    }

    private void Fail(SlackSocketModeException exception)
    {
        Log.Fatal(_logger, exception.Message, exception);
        _ = Task.Run(() => Stop(exception));
    }

    private Task Stop(SlackSocketModeException? failure)
    {
        lock (_gate)
        {
            _stopping ??= StopCoreAsync(failure);
            return _stopping;
        }
    }

    private async Task StopCoreAsync(SlackSocketModeException? failure)
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

        _claims.StopTakingOver();

        await Task.WhenAll(open.Select(c => c.Client?.StopAsync() ?? Task.CompletedTask)).ConfigureAwait(false);
        try
        {
            // Their envelopes were acked, so Slack will not send them again: they are waited for, until a caller of
            // StopAsync gives up (its token cancels the handlers' tokens).
            await _scheduler.WhenIdleAsync(_handlersCancelled.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The handlers were told to give up; they are not waited for.
        }

        await _claims.DisposeAsync().ConfigureAwait(false);
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
        public async ValueTask<bool> TryAckWithAsync(SlackResponse? response)
        {
            if (Interlocked.Exchange(ref _state, 1) != 0)
            {
                return false;
            }

            _timer?.Dispose();
            return await app.AckAsync(client, envelope, response, arrived).ConfigureAwait(false) || response is null;
        }

        private void AckEmpty()
        {
            if (Interlocked.Exchange(ref _state, 1) == 0)
            {
                _ = app.AckAsync(client, envelope, null, arrived).AsTask();
            }
        }
    }
}
