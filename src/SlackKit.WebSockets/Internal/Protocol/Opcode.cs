namespace SlackKit.WebSockets.Internal.Protocol;

/// <summary>The frame opcodes of RFC 6455 §5.2. Any other value is reserved, and a frame that carries one breaks the protocol.</summary>
internal enum Opcode : byte
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
}

internal static class OpcodeExtensions
{
    /// <summary>Close, ping and pong (and the reserved 0xB-0xF): at most 125 bytes, never fragmented (RFC 6455 §5.5).</summary>
    public static bool IsControl(this Opcode opcode) => ((byte)opcode & 0x8) != 0;

    /// <summary>One of the six opcodes RFC 6455 defines.</summary>
    public static bool IsDefined(this Opcode opcode) =>
        opcode is Opcode.Continuation or Opcode.Text or Opcode.Binary or Opcode.Close or Opcode.Ping or Opcode.Pong;

    /// <summary>The opcode that carries a frame of <paramref name="kind"/>.</summary>
    public static Opcode ToOpcode(this WebSocketFrameKind kind) => kind switch
    {
        WebSocketFrameKind.Text => Opcode.Text,
        WebSocketFrameKind.Binary => Opcode.Binary,
        WebSocketFrameKind.Ping => Opcode.Ping,
        WebSocketFrameKind.Pong => Opcode.Pong,
        WebSocketFrameKind.Close => Opcode.Close,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A frame of no kind has no opcode."),
    };

    /// <summary>The kind a handler sees for a message or control frame with <paramref name="opcode"/>.</summary>
    public static WebSocketFrameKind ToKind(this Opcode opcode) => opcode switch
    {
        Opcode.Text => WebSocketFrameKind.Text,
        Opcode.Binary => WebSocketFrameKind.Binary,
        Opcode.Ping => WebSocketFrameKind.Ping,
        Opcode.Pong => WebSocketFrameKind.Pong,
        Opcode.Close => WebSocketFrameKind.Close,
        _ => throw new ArgumentOutOfRangeException(nameof(opcode), opcode, "Only whole messages and control frames have a kind."),
    };
}
