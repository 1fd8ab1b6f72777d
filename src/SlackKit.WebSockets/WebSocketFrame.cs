using System.Diagnostics;
using System.Text;
using System.Text.Unicode;

namespace SlackKit.WebSockets;

/// <summary>
/// One WebSocket message or control frame, in either direction: what a handler receives and what it sends back.
/// </summary>
/// <remarks>
/// <para>
/// The factories validate what they are given, so a frame that exists can always be written: a control payload over
/// 125 bytes, a close code that may not be sent, or text that is not UTF-8 is an <see cref="ArgumentException"/> at
/// the call.
/// </para>
/// <para>
/// A binary, ping or pong frame made over a <see cref="ReadOnlyMemory{T}"/> holds that memory, not a copy: leave it
/// unchanged until the frame is written (<see cref="WebSocketClient.SendAsync"/> completes). A text frame made from
/// UTF-8 bytes takes a copy, since its bytes were checked. A frame handed to a handler holds pooled memory that is
/// valid only until the handler (or the task it returns) completes; copy what you keep (a reply that echoes it is
/// copied for you).
/// </para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public readonly struct WebSocketFrame
{
    /// <summary>The largest payload of a control frame (RFC 6455 §5.5).</summary>
    public const int MaxControlPayloadLength = 125;

    /// <summary>The largest UTF-8 length of a close reason: the control payload less the two-byte code.</summary>
    public const int MaxCloseReasonLength = MaxControlPayloadLength - 2;

    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _payload;
    private readonly string? _closeReason;
    private readonly ushort _closeCode;

    private WebSocketFrame(WebSocketFrameKind kind, string? text, ReadOnlyMemory<byte> payload, int closeCode, string? closeReason)
    {
        Kind = kind;
        _text = text;
        _payload = payload;
        _closeCode = (ushort)closeCode;
        _closeReason = closeReason;
    }

    /// <summary>What this frame is. <c>default(WebSocketFrame)</c> has no kind (0) and cannot be sent.</summary>
    public WebSocketFrameKind Kind { get; }

    /// <summary>
    /// The payload bytes: UTF-8 for a text frame, the application data for binary, ping and pong frames, empty for a
    /// close frame (see <see cref="CloseCode"/> and <see cref="CloseReason"/>). For a text frame made from a
    /// <see cref="string"/>, each call encodes the string anew.
    /// </summary>
    public ReadOnlyMemory<byte> Payload => _text is not null ? Encoding.UTF8.GetBytes(_text) : _payload;

    /// <summary>The close status code, or <see langword="null"/> for a close frame without one and for other kinds.</summary>
    public int? CloseCode => _closeCode == 0 ? null : _closeCode;

    /// <summary>The close reason, or <see langword="null"/> for frames other than close.</summary>
    public string? CloseReason => Kind == WebSocketFrameKind.Close ? _closeReason ?? string.Empty : null;

    /// <summary>True for <c>default(WebSocketFrame)</c>, which no factory returns.</summary>
    public bool IsDefault => Kind == 0;

    /// <summary>The text of a text frame, made from the string it was created with or decoded from its UTF-8 bytes.</summary>
    /// <exception cref="InvalidOperationException">The frame is not a text frame.</exception>
    public string GetText()
    {
        if (Kind != WebSocketFrameKind.Text)
        {
            throw new InvalidOperationException($"GetText() reads text frames only; this frame is {KindName}.");
        }

        return _text ?? Encoding.UTF8.GetString(_payload.Span);
    }

    /// <summary>The string a text frame was created with, if it was created from a string (no copy, no encoding).</summary>
    internal string? TextOrNull => _text;

    /// <summary>The payload as stored, without encoding a string.</summary>
    internal ReadOnlyMemory<byte> RawPayload => _payload;

    /// <summary>A text message.</summary>
    /// <param name="text">The text; it is encoded as UTF-8 when the frame is written.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="text"/> holds a lone surrogate (half of a UTF-16 pair), which has no UTF-8 form. It is refused
    /// rather than sent as U+FFFD: what the peer gets is what was given.
    /// </exception>
    public static WebSocketFrame Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') is var first and >= 0 && LoneSurrogateAt(text, first) is var lone and >= 0)
        {
            throw new ArgumentException(
                $"The text holds a lone surrogate (U+{(int)text[lone]:X4}) at index {lone}, which cannot be encoded as UTF-8.", nameof(text));
        }

        return new WebSocketFrame(WebSocketFrameKind.Text, text, default, 0, null);
    }

    /// <summary>A text message from bytes that are already UTF-8.</summary>
    /// <param name="utf8">The UTF-8 bytes of the text. The frame takes a copy: changing them afterwards changes nothing.</param>
    /// <exception cref="ArgumentException"><paramref name="utf8"/> is not valid UTF-8.</exception>
    public static WebSocketFrame Text(ReadOnlyMemory<byte> utf8)
    {
        if (!Utf8.IsValid(utf8.Span))
        {
            throw new ArgumentException("A text frame must hold valid UTF-8; send these bytes with WebSocketFrame.Binary.", nameof(utf8));
        }

        // A copy: bytes checked now and changed before the frame is written would put invalid UTF-8 on the wire.
        return new WebSocketFrame(WebSocketFrameKind.Text, null, utf8.ToArray(), 0, null);
    }

    /// <summary>The index of the first lone surrogate of <paramref name="text"/> from <paramref name="start"/> on, or -1.</summary>
    private static int LoneSurrogateAt(string text, int start)
    {
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++; // a pair
            }
            else if (char.IsSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A binary message.</summary>
    /// <param name="data">The bytes. The frame holds this memory, not a copy.</param>
    public static WebSocketFrame Binary(ReadOnlyMemory<byte> data) =>
        new(WebSocketFrameKind.Binary, null, data, 0, null);

    /// <summary>A ping with no payload.</summary>
    public static WebSocketFrame Ping() => new(WebSocketFrameKind.Ping, null, default, 0, null);

    /// <summary>A ping with a payload, which the peer echoes in its pong.</summary>
    /// <exception cref="ArgumentException"><paramref name="payload"/> is longer than 125 bytes.</exception>
    public static WebSocketFrame Ping(ReadOnlyMemory<byte> payload) =>
        new(WebSocketFrameKind.Ping, null, CheckControlPayload(payload), 0, null);

    /// <summary>A pong with no payload (an unsolicited pong is a one-way heartbeat, RFC 6455 §5.5.3).</summary>
    public static WebSocketFrame Pong() => new(WebSocketFrameKind.Pong, null, default, 0, null);

    /// <summary>A pong with a payload.</summary>
    /// <exception cref="ArgumentException"><paramref name="payload"/> is longer than 125 bytes.</exception>
    public static WebSocketFrame Pong(ReadOnlyMemory<byte> payload) =>
        new(WebSocketFrameKind.Pong, null, CheckControlPayload(payload), 0, null);

    /// <summary>A close frame with no status code.</summary>
    public static WebSocketFrame Close() => new(WebSocketFrameKind.Close, null, default, 0, null);

    /// <summary>A close frame with a status code and an optional reason.</summary>
    /// <param name="code">
    /// A code an endpoint may send: 1000-1003, 1007-1014, or 3000-4999 (1004-1006 and 1015 are reserved and never
    /// sent; RFC 6455 §7.4).
    /// </param>
    /// <param name="reason">Up to 123 bytes of UTF-8.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> may not be sent.</exception>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is longer than 123 bytes in UTF-8.</exception>
    public static WebSocketFrame Close(int code, string? reason = null)
    {
        if (!IsSendableCloseCode(code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code,
                "A close code must be 1000-1003, 1007-1014 or 3000-4999; 1004-1006 and 1015 are reserved and may not be sent (RFC 6455 §7.4).");
        }

        reason ??= string.Empty;
        int length = Encoding.UTF8.GetByteCount(reason);
        if (length > MaxCloseReasonLength)
        {
            throw new ArgumentException(
                $"A close reason may hold at most {MaxCloseReasonLength} bytes of UTF-8; this one holds {length}.", nameof(reason));
        }

        return new WebSocketFrame(WebSocketFrameKind.Close, null, default, code, reason);
    }

    /// <summary>A frame as it arrived from the peer; its payload is pooled memory owned by the client.</summary>
    internal static WebSocketFrame Received(WebSocketFrameKind kind, ReadOnlyMemory<byte> payload) =>
        new(kind, null, payload, 0, null);

    /// <summary>A close frame as it arrived from the peer, whose code is not checked against what may be sent.</summary>
    internal static WebSocketFrame ReceivedClose(int? code, string? reason) =>
        new(WebSocketFrameKind.Close, null, default, code ?? 0, reason);

    /// <summary>Whether an endpoint may put <paramref name="code"/> in a close frame it sends (RFC 6455 §7.4.1).</summary>
    internal static bool IsSendableCloseCode(int code) => Internal.Protocol.ClosePayload.IsValidCode(code);

    /// <summary>The same frame over a copy of its payload (a reply that would otherwise outlive pooled memory).</summary>
    internal WebSocketFrame WithPayloadCopy() => new(Kind, _text, _payload.ToArray(), _closeCode, _closeReason);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        WebSocketFrameKind.Text when _text is not null => $"Text({_text.Length} chars)",
        WebSocketFrameKind.Close => _closeCode == 0 ? "Close()" : $"Close({_closeCode}, \"{_closeReason}\")",
        0 => "default(WebSocketFrame)",
        _ => $"{Kind}({_payload.Length} bytes)",
    };

    /// <summary>Throws the <see cref="ArgumentException"/> that <see cref="WebSocketClient.Cast"/> documents for a default frame.</summary>
    internal void EnsureNotDefault(string paramName)
    {
        if (IsDefault)
        {
            throw new ArgumentException("default(WebSocketFrame) has no kind; create frames with WebSocketFrame.Text, .Binary, .Ping, .Pong or .Close.", paramName);
        }
    }

    private string KindName => IsDefault ? "default(WebSocketFrame)" : $"a {Kind} frame";

    private static ReadOnlyMemory<byte> CheckControlPayload(ReadOnlyMemory<byte> payload, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(payload))] string? paramName = null)
    {
        if (payload.Length > MaxControlPayloadLength)
        {
            throw new ArgumentException(
                $"A control frame's payload may hold at most {MaxControlPayloadLength} bytes (RFC 6455 §5.5); this one holds {payload.Length}.",
                paramName);
        }

        return payload;
    }
}
