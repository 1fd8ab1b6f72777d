using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SlackKit.SocketMode.Testing;

/// <summary>
/// A fake Slack on 127.0.0.1 for tests and demos: <c>apps.connections.open</c>, the Socket Mode socket (with
/// <c>hello</c>), <c>chat.postMessage</c>, <c>chat.update</c>, <c>views.open</c> and <c>response_url</c>s. A test
/// sends envelopes (<see cref="SendAppMentionAsync"/>, <see cref="SendSlashCommandAsync"/>...), then awaits their
/// acks (<see cref="FakeEnvelope.Acked"/>) and what the bot posted (<see cref="WaitForPostAsync"/>).
/// </summary>
/// <example>
/// <code>
/// await using FakeSlack slack = await FakeSlack.StartAsync();
/// await using var bot = SlackSocketModeClient.Start(new DeployBot(...), slack.CreateOptions());
/// await slack.WaitForConnectionsAsync(1);
/// FakeEnvelope mention = await slack.SendAppMentionAsync("&lt;@U0BOT&gt; hi");
/// await mention.Acked;
/// FakeApiCall post = await slack.WaitForPostAsync();
/// </code>
/// </example>
public sealed class FakeSlack : IAsyncDisposable
{
    /// <summary>The app-level token the fake accepts.</summary>
    public const string AppToken = "xapp-1-A0FAKE-fake";

    /// <summary>The bot token the fake accepts.</summary>
    public const string BotToken = "xoxb-fake";

    /// <summary>The app id <c>hello</c> reports.</summary>
    public const string AppId = "A0FAKE";

    private readonly WebApplication _web;
    private readonly Uri _base;
    private readonly object _gate = new();
    private readonly List<FakeSlackConnection> _connections = [];
    private readonly ConcurrentDictionary<string, bool> _tickets = new();
    private readonly ConcurrentDictionary<string, List<(FakeEnvelope Envelope, long SentAt)>> _sent = new();
    private readonly List<FakeApiCall> _calls = [];
    private readonly List<FakeResponse> _responses = [];
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextConnection;
    private int _nextEnvelope;
    private int _nextRoundRobin;

    private FakeSlack(WebApplication web, Uri baseUrl)
    {
        _web = web;
        _base = baseUrl;
    }

    /// <summary>Starts a fake Slack on a free port of 127.0.0.1.</summary>
    public static async Task<FakeSlack> StartAsync(CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        WebApplication web = builder.Build();
        FakeSlack? slack = null;
        web.Run(context => slack!.HandleAsync(context));
        await web.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        slack = new FakeSlack(web, new Uri(address.TrimEnd('/') + "/"));
        return slack;
    }

    /// <summary>The Web API base URL the bot is to use (<see cref="SlackSocketModeOptions.ApiBaseUrl"/>).</summary>
    public Uri ApiBaseUrl => new(_base, "api/");

    private readonly ConcurrentDictionary<string, string> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Count, TimeSpan RetryAfter)> _rateLimits = new(StringComparer.Ordinal);

    /// <summary>
    /// From now on <paramref name="method"/> (<c>apps.connections.open</c>, <c>chat.postMessage</c>...) answers
    /// <c>{"ok":false,"error":...}</c> with <paramref name="error"/> (<c>invalid_auth</c>, <c>token_revoked</c>,
    /// <c>channel_not_found</c>...); null answers normally again.
    /// </summary>
    public void Fail(string method, string? error)
    {
        if (error is null)
        {
            _errors.TryRemove(method, out _);
        }
        else
        {
            _errors[method] = error;
        }
    }

    /// <summary>
    /// Plays a habit of Slack's: after the close handshake, the TCP connection is left open (until the fake stops).
    /// A bot must not wait for it longer than its <see cref="SlackSocketModeOptions.CloseTimeout"/>.
    /// </summary>
    public bool LeaveSocketsOpenAfterClose { get; set; }

    /// <summary>How many times <c>apps.connections.open</c> was called (answered or not).</summary>
    public int ConnectionsOpenCalls => Volatile.Read(ref _connectionsOpenCalls);

    private int _connectionsOpenCalls;

    /// <summary>Options that point a bot at this fake, with its tokens (change the rest as the test needs).</summary>
    public SlackSocketModeOptions CreateOptions(int connections = 1) => new()
    {
        AppToken = AppToken,
        BotToken = BotToken,
        ApiBaseUrl = ApiBaseUrl,
        Connections = connections,
    };

    /// <summary>
    /// As Slack: an envelope not acked within this time (Slack's is 3 s) is sent again, <c>retry_attempt</c> one more,
    /// on another open connection when there is one, at most <see cref="MaxRetries"/> times; an envelope that could not
    /// be sent (its connection had gone) is retried the same way. Null (the default): only a test's
    /// <see cref="RetryAsync"/> retries, and a send on a connection that has gone throws.
    /// </summary>
    public TimeSpan? RetryUnackedAfter { get; set; }

    /// <summary>How many times <see cref="RetryUnackedAfter"/> sends an envelope again (Slack: 3).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>How many Web API calls the bot has made (<see cref="Calls"/>'s count, without copying it).</summary>
    public int CallCount
    {
        get
        {
            lock (_gate)
            {
                return _calls.Count;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> calls of <paramref name="method"/> answer HTTP 429 with <c>Retry-After</c> (whole seconds).</summary>
    public void RateLimit(string method, int count, TimeSpan retryAfter) => _rateLimits[method] = (count, retryAfter);

    /// <summary>The connections open now (that got their <c>hello</c>), oldest first.</summary>
    public IReadOnlyList<FakeSlackConnection> Connections
    {
        get
        {
            lock (_gate)
            {
                return [.. _connections.Where(c => c.IsOpen)];
            }
        }
    }

    /// <summary>Every connection ever opened, oldest first.</summary>
    public IReadOnlyList<FakeSlackConnection> AllConnections
    {
        get
        {
            lock (_gate)
            {
                return [.. _connections];
            }
        }
    }

    /// <summary>Web API calls the bot made with its bot token, in order.</summary>
    public IReadOnlyList<FakeApiCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Responses the bot POSTed to <c>response_url</c>s, in order.</summary>
    public IReadOnlyList<FakeResponse> Responses
    {
        get
        {
            lock (_gate)
            {
                return [.. _responses];
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> connections are open.</summary>
    public Task WaitForConnectionsAsync(int count, CancellationToken cancellationToken = default) =>
        WaitUntilAsync(() => Connections.Count >= count, cancellationToken);

    /// <summary>Waits for a <c>chat.postMessage</c> (matching <paramref name="match"/>, if given) and returns the first.</summary>
    public async Task<FakeApiCall> WaitForPostAsync(Func<FakeApiCall, bool>? match = null, CancellationToken cancellationToken = default)
    {
        FakeApiCall? found = null;
        await WaitUntilAsync(() => (found = Calls.FirstOrDefault(c => c.Method == "chat.postMessage" && (match is null || match(c)))) is not null, cancellationToken).ConfigureAwait(false);
        return found!;
    }

    /// <summary>Waits for a response POSTed to the <c>response_url</c> of <paramref name="envelope"/>.</summary>
    public async Task<FakeResponse> WaitForResponseAsync(FakeEnvelope envelope, CancellationToken cancellationToken = default)
    {
        FakeResponse? found = null;
        await WaitUntilAsync(() => (found = Responses.FirstOrDefault(r => r.EnvelopeId == envelope.EnvelopeId)) is not null, cancellationToken).ConfigureAwait(false);
        return found!;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, checked each time something happens here.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition())
            {
                return;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends an <c>app_mention</c> event (as Events API delivers it) to <paramref name="on"/>, or the next open connection.</summary>
    public Task<FakeEnvelope> SendAppMentionAsync(string text, string channel = "C0FAKE", string user = "U0FAKE", FakeSlackConnection? on = null)
    {
        string ts = NextTs();
        return SendEventAsync(Json(w =>
        {
            w.WriteString("type", "app_mention");
            w.WriteString("user", user);
            w.WriteString("text", text);
            w.WriteString("ts", ts);
            w.WriteString("channel", channel);
            w.WriteString("event_ts", ts);
        }), on);
    }

    /// <summary>Sends an Events API event: <paramref name="eventJson"/> is the <c>event</c> object (with its <c>type</c>).</summary>
    public Task<FakeEnvelope> SendEventAsync(string eventJson, FakeSlackConnection? on = null)
    {
        int n = Interlocked.Increment(ref _nextEnvelope);
        string eventId = $"Ev{n:D8}";
        string payload = Json(w =>
        {
            w.WriteString("token", "verification-token");
            w.WriteString("team_id", "T0FAKE");
            w.WriteString("api_app_id", AppId);
            w.WritePropertyName("event");
            w.WriteRawValue(eventJson);
            w.WriteString("type", "event_callback");
            w.WriteString("event_id", eventId);
            w.WriteNumber("event_time", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        });
        return SendAsync(new FakeEnvelope($"env-{n:D8}", "events_api", eventId, payload, acceptsResponsePayload: false, retryAttempt: 0), on);
    }

    /// <summary>Sends a slash command (<c>accepts_response_payload</c>, with a <c>response_url</c> on this fake).</summary>
    public Task<FakeEnvelope> SendSlashCommandAsync(string command, string text = "", string channel = "C0FAKE", string user = "U0FAKE", FakeSlackConnection? on = null)
    {
        int n = Interlocked.Increment(ref _nextEnvelope);
        string envelopeId = $"env-{n:D8}";
        string payload = Json(w =>
        {
            w.WriteString("token", "verification-token");
            w.WriteString("team_id", "T0FAKE");
            w.WriteString("channel_id", channel);
            w.WriteString("user_id", user);
            w.WriteString("command", command);
            w.WriteString("text", text);
            w.WriteString("api_app_id", AppId);
            w.WriteString("response_url", new Uri(_base, $"response/{envelopeId}").ToString());
            w.WriteString("trigger_id", $"trigger-{n}");
        });
        return SendAsync(new FakeEnvelope(envelopeId, "slash_commands", null, payload, acceptsResponsePayload: true, retryAttempt: 0), on);
    }

    /// <summary>
    /// Sends an interaction: <paramref name="payloadJson"/> is the payload (with its <c>type</c>); a
    /// <c>response_url</c> of this fake is added when <paramref name="withResponseUrl"/>.
    /// </summary>
    public Task<FakeEnvelope> SendInteractionAsync(string payloadJson, bool acceptsResponsePayload = false, bool withResponseUrl = true, FakeSlackConnection? on = null)
    {
        int n = Interlocked.Increment(ref _nextEnvelope);
        string envelopeId = $"env-{n:D8}";
        using JsonDocument given = JsonDocument.Parse(payloadJson);
        string payload = Json(w =>
        {
            foreach (JsonProperty property in given.RootElement.EnumerateObject())
            {
                property.WriteTo(w);
            }

            if (withResponseUrl && !given.RootElement.TryGetProperty("response_url", out _))
            {
                w.WriteString("response_url", new Uri(_base, $"response/{envelopeId}").ToString());
            }
        });
        return SendAsync(new FakeEnvelope(envelopeId, "interactive", null, payload, acceptsResponsePayload, retryAttempt: 0), on);
    }

    /// <summary>
    /// Sends <paramref name="envelope"/> again, as Slack retries one it thinks was not acked: the same envelope and
    /// event ids, <c>retry_attempt</c> one more, on <paramref name="on"/> (another connection, say).
    /// </summary>
    public Task<FakeEnvelope> RetryAsync(FakeEnvelope envelope, FakeSlackConnection? on = null, string reason = "timeout")
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return SendAsync(new FakeEnvelope(envelope.EnvelopeId, envelope.Type, envelope.EventId, envelope.PayloadJson, envelope.AcceptsResponsePayload, envelope.RetryAttempt + 1), on, reason);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        foreach (FakeSlackConnection connection in AllConnections)
        {
            connection.Socket.Abort();
        }

        await _web.StopAsync().ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<FakeEnvelope> SendAsync(FakeEnvelope envelope, FakeSlackConnection? on, string retryReason = "")
    {
        FakeSlackConnection connection = on ?? NextConnection();
        string json = Json(w =>
        {
            w.WriteString("envelope_id", envelope.EnvelopeId);
            w.WritePropertyName("payload");
            w.WriteRawValue(envelope.PayloadJson);
            w.WriteString("type", envelope.Type);
            w.WriteBoolean("accepts_response_payload", envelope.AcceptsResponsePayload);
            w.WriteNumber("retry_attempt", envelope.RetryAttempt);
            w.WriteString("retry_reason", retryReason);
        });
        _sent.AddOrUpdate(envelope.EnvelopeId, _ => [(envelope, Stopwatch.GetTimestamp())], (_, list) =>
        {
            lock (list)
            {
                list.Add((envelope, Stopwatch.GetTimestamp()));
            }

            return list;
        });
        envelope.ConnectionId = connection.Id;
        if (RetryUnackedAfter is not { } after)
        {
            await connection.SendAsync(json).ConfigureAwait(false);
            return envelope;
        }

        try
        {
            await connection.SendAsync(json).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The bot's end went (a process killed, say): as for Slack, the envelope is unacked, and sent again.
        }

        _ = RetryIfUnackedAsync(envelope, after);
        return envelope;
    }

    private async Task RetryIfUnackedAsync(FakeEnvelope envelope, TimeSpan after)
    {
        try
        {
            await Task.WhenAny(envelope.Acked, Task.Delay(after, _stopping.Token)).ConfigureAwait(false);
            if (envelope.Acked.IsCompleted || _stopping.IsCancellationRequested || envelope.RetryAttempt >= MaxRetries)
            {
                return;
            }

            IReadOnlyList<FakeSlackConnection> open = Connections;
            FakeSlackConnection[] others = [.. open.Where(c => c.Id != envelope.ConnectionId)];
            FakeSlackConnection? on = others.Length > 0 ? others[Random.Shared.Next(others.Length)] : open.Count > 0 ? open[0] : null;
            if (on is null)
            {
                await Task.Delay(after, _stopping.Token).ConfigureAwait(false); // no bot connected now: Slack waits too
                on = Connections.FirstOrDefault();
            }

            if (on is not null)
            {
                await RetryAsync(envelope, on).ConfigureAwait(false);
            }
        }
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
            // The fake stops.
        }
    }

    private FakeSlackConnection NextConnection()
    {
        IReadOnlyList<FakeSlackConnection> open = Connections;
        if (open.Count == 0)
        {
            throw new InvalidOperationException("No bot is connected to the fake Slack: start the bot and await WaitForConnectionsAsync first.");
        }

        return open[(int)((uint)Interlocked.Increment(ref _nextRoundRobin) % (uint)open.Count)];
    }

    private async Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "";
        if (path.StartsWith("/api/", StringComparison.Ordinal) && HttpMethods.IsPost(context.Request.Method))
        {
            await ApiAsync(context, path["/api/".Length..]).ConfigureAwait(false);
        }
        else if (path == "/link/" && context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true })
        {
            await SocketAsync(context).ConfigureAwait(false);
        }
        else if (path.StartsWith("/response/", StringComparison.Ordinal) && HttpMethods.IsPost(context.Request.Method))
        {
            string body = await new StreamReader(context.Request.Body).ReadToEndAsync().ConfigureAwait(false);
            lock (_gate)
            {
                _responses.Add(new FakeResponse(path["/response/".Length..], body));
            }

            Changed();
            await context.Response.WriteAsync("{\"ok\":true}").ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    private async Task ApiAsync(HttpContext context, string method)
    {
        string authorization = context.Request.Headers.Authorization.ToString();
        string body = await new StreamReader(context.Request.Body).ReadToEndAsync().ConfigureAwait(false);
        context.Response.ContentType = "application/json; charset=utf-8";
        if (method == "apps.connections.open")
        {
            Interlocked.Increment(ref _connectionsOpenCalls);
            Changed();
        }

        if (TakeRateLimit(method) is { } retryAfter)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return;
        }

        string token = method == "apps.connections.open" ? AppToken : BotToken;
        string? error = authorization != $"Bearer {token}" ? (authorization.Length == 0 ? "not_authed" : "invalid_auth")
            : _errors.TryGetValue(method, out string? failing) ? failing : null;
        if (error is not null)
        {
            await context.Response.WriteAsync($$"""{"ok":false,"error":"{{error}}"}""").ConfigureAwait(false);
            return;
        }

        if (method == "apps.connections.open")
        {
            string ticket = Guid.NewGuid().ToString("N");
            _tickets[ticket] = true;
            string url = $"ws://{_base.Authority}/link/?ticket={ticket}&app_id={AppId}";
            await context.Response.WriteAsync($$"""{"ok":true,"url":"{{url}}"}""").ConfigureAwait(false);
            return;
        }

        lock (_gate)
        {
            _calls.Add(new FakeApiCall(method, body));
        }

        Changed();
        await context.Response.WriteAsync($$"""{"ok":true,"channel":"C0FAKE","ts":"{{NextTs()}}"}""").ConfigureAwait(false);
    }

    private async Task SocketAsync(HttpContext context)
    {
        string? ticket = context.Request.Query["ticket"];
        if (ticket is null || !_tickets.TryRemove(ticket, out _))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized; // a ticket is single-use
            return;
        }

        // The upgrade is done here rather than by the WebSockets middleware, so that the socket reads through a
        // stream that can play dead (FakeSlackConnection.Freeze): a pending receive would answer pings otherwise.
        string key = context.Request.Headers["Sec-WebSocket-Key"].ToString();
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers["Sec-WebSocket-Accept"] = Convert.ToBase64String(
            SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        Stream stream = await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync().ConfigureAwait(false);
        var frozen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var freezable = new FreezableStream(stream, frozen.Task);
        using WebSocket socket = WebSocket.CreateFromStream(freezable, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
        var connection = new FakeSlackConnection(Interlocked.Increment(ref _nextConnection), socket, frozen, freezable);
        int open;
        lock (_gate)
        {
            _connections.Add(connection);
            open = _connections.Count(c => c.IsOpen);
        }

        try
        {
            await connection.SendAsync($$$"""{"type":"hello","num_connections":{{{open}}},"debug_info":{"host":"applink-fake","build_number":1,"approximate_connection_time":18060},"connection_info":{"app_id":"{{{AppId}}}"}}""").ConfigureAwait(false);
            Changed();
            await ReadAcksAsync(connection, socket).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The bot went away, or the fake is stopping.
        }
        finally
        {
            connection.OnClosed();
            Changed();
        }
    }

    private async Task ReadAcksAsync(FakeSlackConnection connection, WebSocket socket)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result = await socket.ReceiveAsync(buffer.AsMemory(), _stopping.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).ConfigureAwait(false);
                    }

                    if (LeaveSocketsOpenAfterClose)
                    {
                        connection.OnClosed(); // closed as a WebSocket; the TCP connection stays until the fake stops
                        Changed();
                        await Task.Delay(Timeout.Infinite, _stopping.Token).ConfigureAwait(false);
                    }

                    return;
                }

                int length = result.Count;
                while (!result.EndOfMessage)
                {
                    if (length == buffer.Length)
                    {
                        byte[] bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.CopyTo(bigger, 0);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(length), _stopping.Token).ConfigureAwait(false);
                    length += result.Count;
                }

                OnAck(connection, buffer.AsSpan(0, length));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private TimeSpan? TakeRateLimit(string method)
    {
        while (_rateLimits.TryGetValue(method, out (int Count, TimeSpan RetryAfter) limit) && limit.Count > 0)
        {
            if (_rateLimits.TryUpdate(method, (limit.Count - 1, limit.RetryAfter), limit))
            {
                return limit.RetryAfter;
            }
        }

        return null;
    }

    private void OnAck(FakeSlackConnection connection, ReadOnlySpan<byte> utf8)
    {
        using JsonDocument ack = JsonDocument.Parse(Encoding.UTF8.GetString(utf8));
        if (!ack.RootElement.TryGetProperty("envelope_id", out JsonElement id) || id.GetString() is not { } envelopeId
            || !_sent.TryGetValue(envelopeId, out List<(FakeEnvelope Envelope, long SentAt)>? sent))
        {
            return;
        }

        string? payload = ack.RootElement.TryGetProperty("payload", out JsonElement p) ? p.GetRawText() : null;
        (FakeEnvelope Envelope, long SentAt)[] all;
        lock (sent)
        {
            all = [.. sent];
        }

        foreach ((FakeEnvelope envelope, long sentAt) in all)
        {
            envelope.OnAck(new FakeAck(envelopeId, payload, connection.Id, Stopwatch.GetElapsedTime(sentAt)));
        }

        Changed();
    }

    private void Changed()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }

    private static string NextTs() => $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Random.Shared.Next(0, 999_999):D6}";

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
