using SlackKit.WebSockets;

namespace SlackKit.SocketMode.Internal;

/// <summary>
/// The handler of one Socket Mode connection (one <see cref="WebSocketClient"/>), written with the client's own
/// generator: text frames go to the app, which acks and schedules; the disconnect decides the reconnect.
/// </summary>
/// <remarks>
/// <see cref="Ready"/>, <see cref="Retired"/> and <see cref="TooManyWebSockets"/> are written on this connection's
/// mailbox and read by the app's other connections (under the app's lock when a slot changes hands).
/// </remarks>
[WebSocketHandler]
internal sealed partial class SocketModeConnection(SlackSocketModeClient app, int slot, int id)
{
    /// <summary>Which of the app's <see cref="SlackSocketModeOptions.Connections"/> this connection serves.</summary>
    public int Slot => slot;

    /// <summary>A number for logs, unique within the app.</summary>
    public int Id => id;

    /// <summary>Its client, once started.</summary>
    public WebSocketClient? Client { get; set; }

    private int _ready;

    /// <summary>Said hello on the socket now open.</summary>
    public bool Ready => Volatile.Read(ref _ready) == 1;

    /// <summary>Marks it ready; true the first time since it was last not ready.</summary>
    public bool BecomeReady() => Interlocked.Exchange(ref _ready, 1) == 0;

    /// <summary>Marks it not ready; true when it was ready.</summary>
    public bool BecomeNotReady() => Interlocked.Exchange(ref _ready, 0) == 1;

    /// <summary>Replaced (or the app stops): when it ends it does not reconnect.</summary>
    public volatile bool Retired;

    /// <summary>Slack refused it as one too many for the app: the reconnect backs off.</summary>
    public volatile bool TooManyWebSockets;

    [OnText]
    private ValueTask<HandlerResult> Text(ReadOnlyMemory<byte> utf8, WebSocketClient client) => app.OnMessage(this, client, utf8.Span);

    [OnDisconnect]
    private DisconnectResult Disconnected(DisconnectReason reason) => app.OnDisconnected(this, reason);
}
