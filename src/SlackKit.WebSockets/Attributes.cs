namespace SlackKit.WebSockets;

/// <summary>
/// Marks a <c>partial class</c> whose <c>[OnText]</c>, <c>[OnConnect]</c>... methods the source generator turns
/// into an implementation of <see cref="IWebSocketHandler"/>. The class's fields are the handler's state.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class WebSocketHandlerAttribute : Attribute;

/// <summary>
/// <c>init/1</c>: runs inside <c>WebSocketClient.Start</c>. Signature: <c>void</c> or <see cref="InitResult"/>, no
/// parameters. Without it the client behaves as <see cref="InitResult.Reconnect"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class OnInitAttribute : Attribute;

/// <summary>
/// <c>onconnect/2</c>: runs after each handshake, before any frame. Parameters: none, or a
/// <see cref="CancellationToken"/>. Returns: <c>void</c>, <see cref="HandlerResult"/>, <see cref="WebSocketFrame"/>,
/// <c>WebSocketFrame?</c>, or a <see cref="Task"/>/<see cref="ValueTask"/> of these.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class OnConnectAttribute : Attribute;

/// <summary>
/// <c>ondisconnect/2</c>: decides what comes after a disconnect. Parameters: a <see cref="DisconnectReason"/>
/// (optional), then a <see cref="CancellationToken"/> (optional). Returns: <see cref="DisconnectResult"/>, or a
/// <see cref="Task{TResult}"/>/<see cref="ValueTask{TResult}"/> of it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class OnDisconnectAttribute : Attribute;

/// <summary>
/// A text message. Parameters: a <see cref="string"/> or a <see cref="ReadOnlyMemory{T}"/> of UTF-8 bytes (valid
/// until the handler completes), then a <see cref="CancellationToken"/> (optional). Returns as <see cref="OnConnectAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class OnTextAttribute : Attribute;

/// <summary>
/// A binary message. Parameters: a <see cref="ReadOnlyMemory{T}"/> of bytes (valid until the handler completes), then
/// a <see cref="CancellationToken"/> (optional). Returns as <see cref="OnConnectAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class OnBinaryAttribute : Attribute;

/// <summary>
/// A ping from the peer, after the client has answered it. Parameters: none or a <see cref="ReadOnlyMemory{T}"/>
/// payload, then a <see cref="CancellationToken"/> (optional). Returns as <see cref="OnConnectAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class OnPingAttribute : Attribute;

/// <summary>
/// A pong from the peer. Parameters: none or a <see cref="ReadOnlyMemory{T}"/> payload, then a
/// <see cref="CancellationToken"/> (optional). Returns as <see cref="OnConnectAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class OnPongAttribute : Attribute;

/// <summary>
/// The peer's close frame. Parameters: none, or <c>(int? code, string reason)</c>, then a
/// <see cref="CancellationToken"/> (optional). Returns as <see cref="OnConnectAttribute"/>; the client answers the
/// close whatever the handler returns.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class OnCloseAttribute : Attribute;

/// <summary>
/// <c>websocket_info/3</c>: a message given to <c>client.Post</c>. Parameters: the message, of any type (several
/// <c>[OnInfo]</c> methods may take different types; the most derived match runs, and an unmatched message is
/// ignored), then a <see cref="CancellationToken"/> (optional). Returns as <see cref="OnConnectAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class OnInfoAttribute : Attribute;

/// <summary>
/// <c>websocket_terminate/3</c>: runs exactly once, last. Parameters: a <see cref="TerminateReason"/> (optional).
/// Returns: <c>void</c>, <see cref="Task"/> or <see cref="ValueTask"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class OnTerminateAttribute : Attribute;
