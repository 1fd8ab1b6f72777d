namespace SlackKit.WebSockets;

/// <summary>What a <see cref="WebSocketFrame"/> is: a data message or a control frame (RFC 6455 §5.2).</summary>
public enum WebSocketFrameKind
{
    /// <summary>A UTF-8 text message.</summary>
    Text = 1,

    /// <summary>A binary message.</summary>
    Binary = 2,

    /// <summary>A ping control frame, with up to 125 bytes of payload.</summary>
    Ping = 3,

    /// <summary>A pong control frame, with up to 125 bytes of payload.</summary>
    Pong = 4,

    /// <summary>A close control frame, with an optional status code and reason.</summary>
    Close = 5,
}
