using System.Net.WebSockets;
using System.Text;
using Websocket.Client;

namespace SlackKit.WebSockets.Benchmarks;

/// <summary>The three workloads: what one message is.</summary>
internal sealed record Workload(string Name, WebSocketMessageType Type, int Size)
{
    public static readonly Workload[] All =
    [
        new("text 64 B", WebSocketMessageType.Text, 64),
        new("text 16 KiB", WebSocketMessageType.Text, 16 * 1024),
        new("binary 64 B", WebSocketMessageType.Binary, 64),
    ];

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
        await _client.Start();
    }

    public void Send()
    {
        _ = _text ? _client!.SendAsText(_payload) : _client!.Send(_payload);
    }

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
