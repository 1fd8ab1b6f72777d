namespace SlackKit.WebSockets;

/// <summary>What a frame handler, <c>[OnConnect]</c> or <c>[OnInfo]</c> asks the client to do next.</summary>
/// <remarks>
/// The C# form of <c>{:ok, state}</c>, <c>{:reply, frame, state}</c> and <c>{:close, reason, state}</c>.
/// A <see cref="WebSocketFrame"/> converts to <see cref="Reply"/> implicitly.
/// </remarks>
public readonly struct HandlerResult
{
    private HandlerResult(HandlerResultKind kind, WebSocketFrame frame)
    {
        Kind = kind;
        Frame = frame;
    }

    /// <summary>Nothing to do: go on receiving.</summary>
    public static HandlerResult Ok => default;

    /// <summary>What the handler asked for.</summary>
    public HandlerResultKind Kind { get; }

    /// <summary>The frame to send for <see cref="HandlerResultKind.Reply"/>, the close frame for <see cref="HandlerResultKind.Close"/>.</summary>
    public WebSocketFrame Frame { get; }

    /// <summary>Send <paramref name="frame"/> to the peer, after what was queued before it. A close frame is the same as <see cref="Close(int, string)"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="frame"/> is <c>default</c>.</exception>
    public static HandlerResult Reply(WebSocketFrame frame)
    {
        frame.EnsureNotDefault(nameof(frame));
        return frame.Kind == WebSocketFrameKind.Close
            ? new HandlerResult(HandlerResultKind.Close, frame)
            : new HandlerResult(HandlerResultKind.Reply, frame);
    }

    /// <summary>Close the connection normally (1000): the client sends the close frame and waits for the peer's.</summary>
    public static HandlerResult Close() => new(HandlerResultKind.Close, WebSocketFrame.Close(1000));

    /// <summary>Close the connection with <paramref name="code"/> and <paramref name="reason"/>; see <see cref="WebSocketFrame.Close(int, string)"/>.</summary>
    public static HandlerResult Close(int code, string? reason = null) => new(HandlerResultKind.Close, WebSocketFrame.Close(code, reason));

    /// <summary><see cref="Reply"/> with <paramref name="frame"/>, or <see cref="Ok"/> when it is <see langword="null"/>.</summary>
    public static HandlerResult FromReply(WebSocketFrame? frame) => frame is { } f ? Reply(f) : Ok;

    /// <summary>Replies with <paramref name="frame"/>.</summary>
    public static implicit operator HandlerResult(WebSocketFrame frame) => Reply(frame);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        HandlerResultKind.Reply => $"Reply({Frame})",
        HandlerResultKind.Close => $"Close({Frame.CloseCode}, \"{Frame.CloseReason}\")",
        _ => "Ok",
    };
}

/// <summary>The kinds of <see cref="HandlerResult"/>.</summary>
public enum HandlerResultKind
{
    /// <summary>Go on receiving.</summary>
    Ok = 0,

    /// <summary>Send <see cref="HandlerResult.Frame"/>.</summary>
    Reply = 1,

    /// <summary>Close the connection with the close frame in <see cref="HandlerResult.Frame"/>.</summary>
    Close = 2,
}
