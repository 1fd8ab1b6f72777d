namespace SlackKit.WebSockets.Internal.Protocol;

/// <summary>What <see cref="FrameReader.Read"/> found.</summary>
internal enum ReadEvent
{
    /// <summary>Nothing more can be read from the input: keep the bytes not consumed, add more, and read again.</summary>
    NeedMore,

    /// <summary>A piece of a data message (see <see cref="FrameReader.MessageOpcode"/>, <see cref="FrameReader.IsMessageStart"/>, <see cref="FrameReader.IsMessageEnd"/>).</summary>
    Data,

    Ping,
    Pong,

    /// <summary>The peer's close frame, valid (see <see cref="FrameReader.CloseCode"/>, <see cref="FrameReader.CloseReason"/>). Nothing is read after it.</summary>
    Close,

    /// <summary>The peer broke the protocol (see <see cref="FrameReader.Violation"/>). Nothing is read after it.</summary>
    Violation,
}

/// <summary>How the peer broke the protocol, and the close code that says so.</summary>
internal sealed record ProtocolViolation(int CloseCode, string What, long TooBigSize = 0)
{
    /// <summary>A message over <see cref="WebSocketClientOptions.MaxMessageSize"/> (1009), rather than a malformed stream.</summary>
    public bool IsTooBig => CloseCode == 1009;
}

/// <summary>
/// The inbound half of the protocol, with no I/O (in the manner of python <c>websockets</c>' protocol.py): it is given
/// the bytes the server sent, as they arrive, and says what they are: pieces of data messages, control frames, the
/// close, or the first way in which they break RFC 6455. A frame is reported only once it is known valid and in its
/// place in the stream; after a close or a violation nothing more is read. Owned by one receive loop.
/// </summary>
/// <remarks>
/// Frames that fit in the caller's buffer (<c>wholeFrameLimit</c>) are reported whole, as one slice of the input:
/// until all of such a frame has arrived, <see cref="Read"/> consumes nothing of it and asks for more, while the UTF-8
/// of a text frame is still checked as its bytes come (fail fast). A larger frame is reported in pieces as it arrives.
/// Control frames (at most 127 bytes) are always reported whole: the caller's buffer must hold at least that much.
/// </remarks>
internal sealed class FrameReader(long maxMessageSize)
{
    private Opcode _messageOpcode; // Text or Binary while a message is under way; Continuation between messages
    private bool _messageStarted; // a Data event of the current message has been reported
    private long _messageLength;
    private Utf8Validator _utf8;
    private long _frameRemaining; // payload bytes left of a frame reported in pieces; 0 when the next byte is a header
    private bool _frameFin;
    private bool _awaitingWhole; // the next header is a data frame awaited whole, checked already
    private int _pendingValidated; // payload bytes of the frame awaited whole whose UTF-8 is checked already
    private bool _ended;

    /// <summary>The kind of the data message under way: <see cref="Opcode.Text"/> or <see cref="Opcode.Binary"/>.</summary>
    public Opcode MessageOpcode { get; private set; }

    /// <summary>The <see cref="ReadEvent.Data"/> just reported is the first piece of its message.</summary>
    public bool IsMessageStart { get; private set; }

    /// <summary>The <see cref="ReadEvent.Data"/> just reported ends its message.</summary>
    public bool IsMessageEnd { get; private set; }

    /// <summary>Payload bytes still to come of the frame being reported in pieces (0 between frames).</summary>
    public long FrameRemaining => _frameRemaining;

    /// <summary>A data message has begun and not ended.</summary>
    public bool InMessage => _messageOpcode != Opcode.Continuation;

    /// <summary>The code of the close just reported, if it had one.</summary>
    public int? CloseCode { get; private set; }

    /// <summary>The reason of the close just reported.</summary>
    public string CloseReason { get; private set; } = string.Empty;

    /// <summary>How the stream broke the protocol, once <see cref="ReadEvent.Violation"/> was reported.</summary>
    public ProtocolViolation? Violation { get; private set; }

    /// <summary>
    /// Reads what it can from the start of <paramref name="input"/>: <paramref name="consumed"/> bytes of it are done
    /// with, and <paramref name="payload"/> is the slice of the input an event carries (data, or a ping or pong payload).
    /// </summary>
    /// <param name="input">The bytes not yet consumed, followed by any that arrived since.</param>
    /// <param name="wholeFrameLimit">A data frame of at most this many bytes, header included, is reported whole.</param>
    /// <param name="consumed">How many bytes from the start of <paramref name="input"/> are done with.</param>
    /// <param name="payload">The slice of <paramref name="input"/> the event carries; it always ends where <paramref name="consumed"/> does.</param>
    public ReadEvent Read(ReadOnlySpan<byte> input, int wholeFrameLimit, out int consumed, out ReadOnlySpan<byte> payload)
    {
        consumed = 0;
        payload = default;
        if (_ended)
        {
            throw new InvalidOperationException("The stream has ended (a close or a violation); nothing more is read.");
        }

        if (_frameRemaining > 0)
        {
            return ReadPiece(input, 0, out consumed, out payload);
        }

        if (!FrameHeader.TryRead(input, out FrameHeader header, out int headerLength))
        {
            return ReadEvent.NeedMore;
        }

        long length = header.PayloadLength;
        if (!_awaitingWhole)
        {
            if (Check(header) is { } violation)
            {
                return Fail(violation);
            }

            if (header.Opcode.IsControl())
            {
                if (input.Length - headerLength < length)
                {
                    return ReadEvent.NeedMore; // control frames are small: reported whole
                }

                consumed = headerLength + (int)length;
                payload = input.Slice(headerLength, (int)length);
                return header.Opcode switch
                {
                    Opcode.Ping => ReadEvent.Ping,
                    Opcode.Pong => ReadEvent.Pong,
                    _ => ReadClose(payload),
                };
            }

            // A data frame: the first of a message (text, binary) or the next piece of one (continuation).
            if (header.Opcode != Opcode.Continuation)
            {
                _messageOpcode = header.Opcode;
                _messageStarted = false;
                _messageLength = 0;
                _utf8.Reset();
            }

            if (_messageLength + length > maxMessageSize)
            {
                long size = _messageLength + length;
                return Fail(new ProtocolViolation(1009, $"message too big: at least {size} bytes, over the limit of {maxMessageSize}", size));
            }
        }

        long available = input.Length - headerLength;
        if (available < length && headerLength + length <= wholeFrameLimit)
        {
            // Awaited whole (the next call sees this header again, checked already); its text is checked as it comes,
            // so that an invalid byte fails the connection now.
            _awaitingWhole = true;
            if (_messageOpcode == Opcode.Text && available > _pendingValidated)
            {
                if (!_utf8.TryAdvance(input.Slice(headerLength + _pendingValidated, (int)available - _pendingValidated)))
                {
                    return Fail(InvalidUtf8());
                }

                _pendingValidated = (int)available;
            }

            return ReadEvent.NeedMore;
        }

        _awaitingWhole = false;
        _frameFin = header.Fin;
        _frameRemaining = length;
        int validated = _pendingValidated;
        _pendingValidated = 0;
        return ReadPiece(input, headerLength, out consumed, out payload, validated);
    }

    /// <summary>Reports the payload of the current frame that <paramref name="input"/> holds from <paramref name="start"/> on.</summary>
    private ReadEvent ReadPiece(ReadOnlySpan<byte> input, int start, out int consumed, out ReadOnlySpan<byte> payload, int validated = 0)
    {
        int take = (int)Math.Min(_frameRemaining, input.Length - start);
        payload = input.Slice(start, take);
        consumed = start + take;
        if (take == 0 && _frameRemaining > 0)
        {
            return ReadEvent.NeedMore;
        }

        _frameRemaining -= take;
        _messageLength += take;
        IsMessageEnd = _frameFin && _frameRemaining == 0;
        if (_messageOpcode == Opcode.Text)
        {
            if (!_utf8.TryAdvance(payload[validated..]) || (IsMessageEnd && _utf8.InsideSequence))
            {
                payload = default;
                return Fail(InvalidUtf8());
            }
        }

        MessageOpcode = _messageOpcode;
        IsMessageStart = !_messageStarted;
        _messageStarted = true;
        if (IsMessageEnd)
        {
            _messageOpcode = Opcode.Continuation;
        }

        return ReadEvent.Data;
    }

    private ReadEvent ReadClose(ReadOnlySpan<byte> payload)
    {
        switch (ClosePayload.Read(payload, out int? code, out string reason))
        {
            case ClosePayload.Status.Truncated:
                return Fail(new ProtocolViolation(1002, "the peer sent a close frame with a 1-byte payload"));
            case ClosePayload.Status.InvalidCode:
                return Fail(new ProtocolViolation(1002, $"the peer closed with the invalid code {code}"));
            case ClosePayload.Status.InvalidReason:
                return Fail(new ProtocolViolation(1007, "the peer sent a close reason that is not valid UTF-8"));
        }

        CloseCode = code;
        CloseReason = reason;
        _ended = true;
        return ReadEvent.Close;
    }

    /// <summary>The first rule of RFC 6455 §5 that <paramref name="header"/> breaks, if any.</summary>
    private ProtocolViolation? Check(in FrameHeader header)
    {
        if (header.ReservedBits != 0)
        {
            return new(1002, $"the peer set reserved bits (RSV {header.ReservedBits:b3}) that no extension negotiated");
        }

        if (!header.Opcode.IsDefined())
        {
            return new(1002, $"the peer sent a frame with the reserved opcode 0x{(byte)header.Opcode:X}");
        }

        if (header.Masked)
        {
            return new(1002, "the peer sent a masked frame (a server's frames are never masked)");
        }

        if (header.PayloadLength < 0)
        {
            return new(1002, "the peer sent a 64-bit payload length with its most significant bit set");
        }

        if (header.Opcode.IsControl())
        {
            if (!header.Fin)
            {
                return new(1002, $"the peer sent a fragmented {Name(header.Opcode)} frame (control frames are never fragmented)");
            }

            if (header.PayloadLength > WebSocketFrame.MaxControlPayloadLength)
            {
                return new(1002, $"the peer sent a {Name(header.Opcode)} frame of {header.PayloadLength} bytes (at most 125)");
            }

            return null;
        }

        if (header.Opcode == Opcode.Continuation && !InMessage)
        {
            return new(1002, "the peer sent a continuation frame with no message to continue");
        }

        if (header.Opcode != Opcode.Continuation && InMessage)
        {
            return new(1002, $"the peer began a {Name(header.Opcode)} message before the {Name(_messageOpcode)} message under way ended");
        }

        return null;
    }

    private static ProtocolViolation InvalidUtf8() => new(1007, "the peer sent a text message that is not valid UTF-8");

    private ReadEvent Fail(ProtocolViolation violation)
    {
        Violation = violation;
        _ended = true;
        return ReadEvent.Violation;
    }

    private static string Name(Opcode opcode) => opcode switch
    {
        Opcode.Text => "text",
        Opcode.Binary => "binary",
        Opcode.Close => "close",
        Opcode.Ping => "ping",
        Opcode.Pong => "pong",
        _ => "continuation",
    };
}
