using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace SlackKit.WebSockets.Internal.Protocol;

/// <summary>The payload of a close frame (RFC 6455 §5.5.1): nothing, or a 2-byte status code and a UTF-8 reason.</summary>
internal static class ClosePayload
{
    /// <summary>What a received close payload holds, or how it breaks the protocol.</summary>
    public enum Status
    {
        Valid,

        /// <summary>One byte: too short for a code (1002).</summary>
        Truncated,

        /// <summary>A code no endpoint may send (1002).</summary>
        InvalidCode,

        /// <summary>A reason that is not UTF-8 (1007).</summary>
        InvalidReason,
    }

    /// <summary>Reads a received close payload.</summary>
    public static Status Read(ReadOnlySpan<byte> payload, out int? code, out string reason)
    {
        code = null;
        reason = string.Empty;
        if (payload.IsEmpty)
        {
            return Status.Valid;
        }

        if (payload.Length == 1)
        {
            return Status.Truncated;
        }

        code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (!IsValidCode(code.Value))
        {
            return Status.InvalidCode;
        }

        ReadOnlySpan<byte> text = payload[2..];
        if (!Utf8.IsValid(text))
        {
            return Status.InvalidReason;
        }

        reason = Encoding.UTF8.GetString(text);
        return Status.Valid;
    }

    /// <summary>
    /// Whether an endpoint may put <paramref name="code"/> in a close frame (RFC 6455 §7.4): 1000-1003, 1007-1014 and
    /// 3000-4999. 1004-1006 and 1015 are reserved and never go on the wire; the rest are unassigned.
    /// </summary>
    public static bool IsValidCode(int code) =>
        code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);

    /// <summary>The payload length of a close frame with <paramref name="code"/> and <paramref name="reason"/>.</summary>
    public static int GetLength(int? code, string? reason) =>
        code is null ? 0 : 2 + Encoding.UTF8.GetByteCount(reason ?? string.Empty);

    /// <summary>Writes a close payload (checked already by <see cref="WebSocketFrame.Close(int, string)"/>); returns its length.</summary>
    public static int Write(Span<byte> destination, int? code, string? reason)
    {
        if (code is not { } value)
        {
            return 0;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)value);
        return 2 + Encoding.UTF8.GetBytes(reason ?? string.Empty, destination[2..]);
    }
}
