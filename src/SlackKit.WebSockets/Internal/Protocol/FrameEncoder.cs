using System.Security.Cryptography;
using System.Text;

namespace SlackKit.WebSockets.Internal.Protocol;

/// <summary>
/// Writes the frames this client sends (RFC 6455 §5.2-5.3): one final frame per message, always masked, with the
/// header from <see cref="FrameHeader"/>. Text made from a string is encoded straight into the output.
/// </summary>
internal static class FrameEncoder
{
    /// <summary>The payload length <paramref name="frame"/> has on the wire.</summary>
    public static int GetPayloadLength(in WebSocketFrame frame) => frame.Kind switch
    {
        WebSocketFrameKind.Text when frame.TextOrNull is { } text => Encoding.UTF8.GetByteCount(text),
        WebSocketFrameKind.Close => ClosePayload.GetLength(frame.CloseCode, frame.CloseReason),
        _ => frame.RawPayload.Length,
    };

    /// <summary>The size of the whole frame, header included.</summary>
    public static int GetFrameLength(int payloadLength) => FrameHeader.GetLength(payloadLength, masked: true) + payloadLength;

    /// <summary>
    /// Writes <paramref name="frame"/> (whose payload is <paramref name="payloadLength"/> bytes) whole to
    /// <paramref name="destination"/>, masked with a fresh key; returns the bytes written.
    /// </summary>
    public static int Encode(in WebSocketFrame frame, int payloadLength, Span<byte> destination)
    {
        uint key = MaskKeys.Next();
        int header = FrameHeader.Write(destination, frame.Kind.ToOpcode(), payloadLength, key);
        Span<byte> payload = destination.Slice(header, payloadLength);
        switch (frame.Kind)
        {
            case WebSocketFrameKind.Text when frame.TextOrNull is { } text:
                Encoding.UTF8.GetBytes(text, payload);
                break;
            case WebSocketFrameKind.Close:
                ClosePayload.Write(payload, frame.CloseCode, frame.CloseReason);
                break;
            default:
                Masking.CopyMasked(frame.RawPayload.Span, payload, key); // copied and masked in one pass
                return header + payloadLength;
        }

        Masking.Apply(payload, key);
        return header + payloadLength;
    }

    /// <summary>Writes a control frame (at most 125 bytes of payload) to <paramref name="destination"/>; returns its length.</summary>
    public static int EncodeControl(Opcode opcode, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        uint key = MaskKeys.Next();
        int header = FrameHeader.Write(destination, opcode, payload.Length, key);
        Masking.CopyMasked(payload, destination[header..], key);
        return header + payload.Length;
    }

    /// <summary>The header of a frame whose payload is written in pieces after it; returns its length and the key.</summary>
    public static int EncodeHeader(Opcode opcode, long payloadLength, Span<byte> destination, out uint key)
    {
        key = MaskKeys.Next();
        return FrameHeader.Write(destination, opcode, payloadLength, key);
    }
}

/// <summary>
/// Mask keys, unpredictable as RFC 6455 §5.3 asks, drawn from a small random pool per thread (one call to the
/// system's random generator per 128 keys rather than one per frame). Nothing is held per connection.
/// </summary>
internal static class MaskKeys
{
    [ThreadStatic]
    private static byte[]? t_pool;

    [ThreadStatic]
    private static int t_next;

    public static uint Next()
    {
        byte[]? pool = t_pool;
        if (pool is null || t_next == pool.Length)
        {
            pool ??= t_pool = new byte[512];
            RandomNumberGenerator.Fill(pool);
            t_next = 0;
        }

        uint key = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(pool.AsSpan(t_next));
        t_next += 4;
        return key;
    }
}
