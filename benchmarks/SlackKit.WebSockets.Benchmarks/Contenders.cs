using System.Net.WebSockets;
using System.Text;
using Websocket.Client;

namespace SlackKit.WebSockets.Benchmarks;

/// <summary>How a workload drives the client.</summary>
internal enum Shape
{
    /// <summary>A sender thread keeps <see cref="Workload.InFlight"/> messages in flight; each echo lets one more go.</summary>
    Window,

    /// <summary>One message at a time: send, wait for its echo (latency percentiles reported).</summary>
    RequestResponse,

    /// <summary>Each message's send is awaited before the next; echoes are received concurrently.</summary>
    AwaitedSend,

    /// <summary>The server pushes N messages; the client only receives (a bot receiving events).</summary>
    FanIn,
}

/// <summary>A workload: what one message is, and how it is sent.</summary>
internal sealed record Workload(string Name, WebSocketMessageType Type, int Size, Shape Shape = Shape.Window, int InFlight = 64)
{
    public static readonly Workload[] All =
    [
        new("fan-in, text 64 B", WebSocketMessageType.Text, 64, Shape.FanIn),
        new("awaited send, text 64 B", WebSocketMessageType.Text, 64, Shape.AwaitedSend),
        new("request-response, text 64 B", WebSocketMessageType.Text, 64, Shape.RequestResponse, InFlight: 1),
        new("binary 1 MiB, 4 in flight", WebSocketMessageType.Binary, 1024 * 1024, Shape.Window, InFlight: 4),
        new("text 64 B, 64 in flight", WebSocketMessageType.Text, 64),
        new("text 16 KiB, 64 in flight", WebSocketMessageType.Text, 16 * 1024),
        new("binary 64 B, 64 in flight", WebSocketMessageType.Binary, 64),
    ];

    /// <summary>Messages per measured round.</summary>
    public int Count(bool quick) => quick ? (Size > 100_000 ? 20 : 500) : Shape switch
    {
        Shape.FanIn => 1_000_000,
        Shape.AwaitedSend => 50_000,
        Shape.RequestResponse => 10_000,
        _ when Size > 100_000 => 400,
        _ when Size > 1024 => 20_000,
        _ => 100_000,
    };

    /// <summary>The message's bytes, built once: ASCII for text, so a string of it has Size chars.</summary>
    public byte[] Payload() => Type == WebSocketMessageType.Text
        ? Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789abcdef", (Size / 16) + 1))[..Size])
        : [.. Enumerable.Range(0, Size).Select(i => (byte)i)];
}

/// <summary>One way to be a WebSocket client: connect, send one message, and call back for each echo.</summary>
internal interface IContender : IAsyncDisposable
{
    string Name { get; }

    Task ConnectAsync(Uri url, Workload workload, Action onEcho);

    /// <summary>Sends one message; may block while the client pushes back.</summary>
    void Send();

    /// <summary>Sends one message and completes once the client says it is sent (for ours: written to the socket).</summary>
    ValueTask SendAwaitedAsync();

    /// <summary>Asks the server to push <paramref name="count"/> text messages of <paramref name="size"/> bytes.</summary>
    void RequestPush(int count, int size);
}

/// <summary>1. A raw ClientWebSocket loop written as well as it can be: one reused buffer, Memory-based calls, one string per text message.</summary>
internal sealed class RawLoop : IContender
{
    private readonly ClientWebSocket _socket = new();
    private byte[] _payload = [];
    private WebSocketMessageType _type;
    private Task _receiving = Task.CompletedTask;

    public string Name => "raw ClientWebSocket";

    public static string? LastText { get; private set; }

    public async Task ConnectAsync(Uri url, Workload workload, Action onEcho)
    {
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await _socket.ConnectAsync(url, CancellationToken.None);
        _payload = workload.Payload();
        _type = workload.Type;
        _receiving = ReceiveAsync(workload, onEcho);
    }

    public void Send()
    {
        ValueTask sent = _socket.SendAsync(_payload.AsMemory(), _type, endOfMessage: true, CancellationToken.None);
        if (!sent.IsCompletedSuccessfully)
        {
            sent.AsTask().GetAwaiter().GetResult();
        }
    }

    public ValueTask SendAwaitedAsync() =>
        _socket.SendAsync(_payload.AsMemory(), _type, endOfMessage: true, CancellationToken.None);

    public void RequestPush(int count, int size) =>
        _socket.SendAsync(Encoding.ASCII.GetBytes($"PUSH {count} {size}"), WebSocketMessageType.Text, true, CancellationToken.None).GetAwaiter().GetResult();

    private async Task ReceiveAsync(Workload workload, Action onEcho)
    {
        byte[] buffer = new byte[workload.Size + 1024];
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result;
                int length = 0;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    LastText = Encoding.UTF8.GetString(buffer, 0, length);
                }

                onEcho();
            }
        }
        catch (WebSocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await _receiving;
        _socket.Dispose();
    }
}

/// <summary>2. Websocket.Client 5.5.1, sending the same pre-encoded bytes (SendAsText for text).</summary>
internal sealed class WebsocketClientContender : IContender
{
    private WebsocketClient? _client;
    private IDisposable? _subscription;
    private byte[] _payload = [];
    private bool _text;
    private string? _textPayload;

    public string Name => "Websocket.Client";

    public static string? LastText { get; private set; }

    public async Task ConnectAsync(Uri url, Workload workload, Action onEcho)
    {
        _client = new WebsocketClient(url) { IsReconnectionEnabled = false, ReconnectTimeout = null, ErrorReconnectTimeout = null };
        _subscription = _client.MessageReceived.Subscribe(message =>
        {
            if (message.MessageType == WebSocketMessageType.Text)
            {
                LastText = message.Text;
            }

            onEcho();
        });
        _payload = workload.Payload();
        _text = workload.Type == WebSocketMessageType.Text;
        _textPayload = _text ? Encoding.UTF8.GetString(_payload) : null;
        await _client.Start();
    }

    public void Send()
    {
        _ = _text ? _client!.SendAsText(_payload) : _client!.Send(_payload);
    }

    public ValueTask SendAwaitedAsync() => new(_text ? _client!.SendInstant(_textPayload!) : _client!.SendInstant(_payload));

    public void RequestPush(int count, int size) => _client!.Send($"PUSH {count} {size}");

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        if (_client is not null)
        {
            await _client.Stop(WebSocketCloseStatus.NormalClosure, string.Empty);
            _client.Dispose();
        }
    }
}

/// <summary>3 and 4. A [WebSocketHandler] class with a string (or a ReadOnlyMemory&lt;byte&gt;) text handler.</summary>
internal sealed class HandlerContender(bool memoryHandler) : IContender
{
    private WebSocketClient? _client;
    private WebSocketFrame _frame;

    public string Name => memoryHandler ? "[OnText] ReadOnlyMemory<byte>" : "[OnText] string";

    public async Task ConnectAsync(Uri url, Workload workload, Action onEcho)
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IWebSocketHandler handler = memoryHandler ? new MemoryEcho(onEcho, connected) : new StringEcho(onEcho, connected);
        _client = WebSocketClient.Start(url, handler, new WebSocketClientOptions { SendQueueCapacity = 4096 });
        byte[] payload = workload.Payload();
        _frame = workload.Type == WebSocketMessageType.Text ? WebSocketFrame.Text(payload) : WebSocketFrame.Binary(payload);
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public void Send()
    {
        while (!_client!.Cast(_frame))
        {
            Thread.Yield(); // the send queue is full: the client pushes back
        }
    }

    public ValueTask SendAwaitedAsync() => _client!.SendAsync(_frame);

    public void RequestPush(int count, int size) => _client!.Cast(WebSocketFrame.Text($"PUSH {count} {size}"));

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }
}

[WebSocketHandler]
internal sealed partial class StringEcho(Action onEcho, TaskCompletionSource connected)
{
    public static string? LastText { get; private set; }

    [OnConnect] void Connected() => connected.TrySetResult();

    [OnText]
    void Text(string text)
    {
        LastText = text;
        onEcho();
    }

    [OnBinary] void Binary(ReadOnlyMemory<byte> data) => onEcho();

    [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Close("benchmark over");
}

[WebSocketHandler]
internal sealed partial class MemoryEcho(Action onEcho, TaskCompletionSource connected)
{
    [OnConnect] void Connected() => connected.TrySetResult();

    [OnText] void Text(ReadOnlyMemory<byte> utf8) => onEcho();

    [OnBinary] void Binary(ReadOnlyMemory<byte> data) => onEcho();

    [OnDisconnect] DisconnectResult Lost() => DisconnectResult.Close("benchmark over");
}
