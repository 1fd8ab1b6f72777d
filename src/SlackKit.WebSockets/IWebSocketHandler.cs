namespace SlackKit.WebSockets;

/// <summary>
/// The callbacks a <see cref="WebSocketClient"/> calls, one at a time and never concurrently (contract row 3).
/// </summary>
/// <remarks>
/// Mark a <c>partial class</c> with <see cref="WebSocketHandlerAttribute"/> and its methods with <c>[OnText]</c>,
/// <c>[OnConnect]</c>... and the source generator implements this interface for it. A hand-written implementation
/// (a test stub, say) is just as valid.
/// </remarks>
public interface IWebSocketHandler
{
    /// <summary>
    /// Runs first inside <see cref="WebSocketClient.Start(Uri, IWebSocketHandler, WebSocketClientOptions?)"/>, before
    /// <see cref="OnInit"/>: the client that will call this handler. Generated code keeps it for handler methods that
    /// take a <see cref="WebSocketClient"/> parameter. Does nothing unless implemented.
    /// </summary>
    void OnStarting(WebSocketClient client)
    {
    }

    /// <summary>Runs inside <see cref="WebSocketClient.Start(Uri, IWebSocketHandler, WebSocketClientOptions?)"/>, before any I/O; an exception comes out of <c>Start</c>.</summary>
    InitResult OnInit();

    /// <summary>Runs after each successful handshake, before any frame of that connection is delivered (contract row 2).</summary>
    ValueTask<HandlerResult> OnConnectAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs for each inbound message and control frame, in arrival order (contract row 3). The frame's payload is
    /// pooled memory, valid until the returned task completes.
    /// </summary>
    ValueTask<HandlerResult> OnFrameAsync(WebSocketFrame frame, CancellationToken cancellationToken);

    /// <summary>Runs for each message given to <see cref="WebSocketClient.Post"/> (contract row 11).</summary>
    ValueTask<HandlerResult> OnInfoAsync(object message, CancellationToken cancellationToken);

    /// <summary>Runs after a connection ends or a connect attempt fails, and decides what comes next (contract rows 1, 7, 8).</summary>
    ValueTask<DisconnectResult> OnDisconnectAsync(DisconnectReason reason, CancellationToken cancellationToken);

    /// <summary>Runs exactly once, last (contract row 13).</summary>
    ValueTask OnTerminateAsync(TerminateReason reason);
}
