using System.Buffers.Binary;

namespace SlackKit.WebSockets.Internal.Protocol;

/// <summary>
/// The header of one frame (RFC 6455 §5.2), read and written in one place: by the inbound reader, and by the writer
/// for every frame the client sends (data, ping, pong and close alike).
/// </summary>
internal readonly record struct FrameHeader(bool Fin, byte ReservedBits, Opcode Opcode, bool Masked, long PayloadLength, uint MaskKey)
{
    /// <summary>The longest header: 2 bytes, an 8-byte length and a 4-byte mask key.</summary>
    public const int MaxLength = 14;

    /// <summary>The longest header of a frame this client sends: every client frame is masked (RFC 6455 §5.3).</summary>
    public const int MaxClientLength = MaxLength;

    /// <summary>
    /// Reads a header from the start of <paramref name="source"/>. False when <paramref name="source"/> does not yet
    /// hold all of it. A 64-bit length with its most significant bit set (which RFC 6455 forbids) reads as -1.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out FrameHeader header, out int length)
    {
        header = default;
        length = 0;
        if (source.Length < 2)
        {
            return false;
        }

        byte first = source[0];
        byte second = source[1];
        bool masked = (second & 0x80) != 0;
        int length7 = second & 0x7F;
        int extended = length7 switch { 126 => 2, 127 => 8, _ => 0 };
        int needed = 2 + extended + (masked ? 4 : 0);
        if (source.Length < needed)
        {
            return false;
        }

        long payloadLength = extended switch
        {
            2 => BinaryPrimitives.ReadUInt16BigEndian(source[2..]),
            8 => BinaryPrimitives.ReadUInt64BigEndian(source[2..]) is var value && value <= long.MaxValue ? (long)value : -1,
            _ => length7,
        };
        uint key = masked ? BinaryPrimitives.ReadUInt32LittleEndian(source[(2 + extended)..]) : 0;
        header = new FrameHeader((first & 0x80) != 0, (byte)((first >> 4) & 0x7), (Opcode)(first & 0x0F), masked, payloadLength, key);
        length = needed;
        return true;
    }

    /// <summary>The size of the header of a frame with <paramref name="payloadLength"/> bytes of payload.</summary>
    public static int GetLength(long payloadLength, bool masked) =>
        (payloadLength < 126 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10) + (masked ? 4 : 0);

    /// <summary>
    /// Writes the header of a final, unextended frame to <paramref name="destination"/> and returns its length;
    /// masked with <paramref name="maskKey"/> when one is given (the key as it goes on the wire, read little-endian).
    /// </summary>
    public static int Write(Span<byte> destination, Opcode opcode, long payloadLength, uint? maskKey)
    {
        destination[0] = (byte)(0x80 | (byte)opcode);
        byte mask = maskKey is null ? (byte)0 : (byte)0x80;
        int length;
        if (payloadLength < 126)
        {
            destination[1] = (byte)(mask | payloadLength);
            length = 2;
        }
        else if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = (byte)(mask | 126);
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            length = 4;
        }
        else
        {
            destination[1] = (byte)(mask | 127);
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
            length = 10;
        }

        if (maskKey is { } key)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[length..], key);
            length += 4;
        }

        return length;
    }
}
