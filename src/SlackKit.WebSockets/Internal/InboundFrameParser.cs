namespace SlackKit.WebSockets.Internal;

/// <summary>What <see cref="InboundFrameParser"/> reports.</summary>
internal interface IInboundFrameObserver
{
    /// <summary>
    /// A ping, pong or close frame arrived whole. <paramref name="messagesBefore"/> is how many data messages were complete before
    /// it, so that it can be delivered in arrival order with them.
    /// </summary>
    void OnControlFrame(WebSocketFrameKind kind, ReadOnlySpan<byte> payload, long messagesBefore);
}

/// <summary>
/// Follows the bytes the server sends, as <see cref="System.Net.WebSockets.ClientWebSocket"/> reads them: first the
/// HTTP response, then frames (RFC 6455 §5.2). It only watches: it finds the ping and pong frames that
/// <c>ClientWebSocket</c> answers and hides, and counts complete data messages. A stream it cannot follow (a
/// malformed header) is the socket's to reject; the parser stops watching.
/// </summary>
internal sealed class InboundFrameParser(IInboundFrameObserver observer)
{
    private HeaderBytes _header; // inline: an idle connection holds no array for it
    private byte[]? _control; // made at the first control frame with a payload
    private State _state = State.HttpResponse;
    private uint _last4;
    private int _headerLength;
    private int _headerNeeded = 2;
    private long _payloadLeft;
    private int _controlLength;
    private byte _opcode;
    private bool _fin;
    private long _messages;
    private bool _atMessageEnd; // set by the step that ended the HTTP response or a data message
    private bool _quiet;

    private enum State
    {
        HttpResponse,
        Header,
        Payload,
        Lost,
    }

    /// <summary>Complete data messages seen so far.</summary>
    public long Messages => _messages;

    /// <summary>
    /// True when the bytes seen so far end exactly where the HTTP response or a data message ends: nothing of another
    /// frame (not even a ping) has been read. When, besides, the socket has delivered all <see cref="Messages"/>, nothing
    /// waits above this stream, and waiting for the peer can be done on the stream below.
    /// </summary>
    public bool IsQuiet => _quiet;

    public void Observe(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        int quietAt = -1;
        int i = 0;
        while (i < data.Length)
        {
            switch (_state)
            {
                case State.HttpResponse:
                    // The response ends with an empty line; what follows in the same read is already frames.
                    _last4 = (_last4 << 8) | data[i++];
                    if (_last4 == 0x0D0A0D0A)
                    {
                        _state = State.Header;
                        _atMessageEnd = true;
                    }

                    break;
                case State.Header:
                    _header[_headerLength++] = data[i++];
                    if (_headerLength == _headerNeeded && !ReadHeader())
                    {
                        _state = State.Lost;
                        _quiet = false;
                        return;
                    }

                    break;
                case State.Payload:
                    int take = (int)Math.Min(_payloadLeft, data.Length - i);
                    if (IsControl && _controlLength + take <= WebSocketFrame.MaxControlPayloadLength)
                    {
                        _control ??= new byte[WebSocketFrame.MaxControlPayloadLength];
                        data.Slice(i, take).CopyTo(_control.AsSpan(_controlLength));
                        _controlLength += take;
                    }

                    i += take;
                    _payloadLeft -= take;
                    if (_payloadLeft == 0)
                    {
                        EndFrame();
                    }

                    break;
                default:
                    _quiet = false; // lost: never quiet again
                    return;
            }

            if (_atMessageEnd)
            {
                _atMessageEnd = false;
                quietAt = i;
            }
        }

        _quiet = quietAt == data.Length && _state == State.Header;
    }

    private bool IsControl => (_opcode & 0x8) != 0;

    /// <summary>Called each time the header has the bytes asked for; asks for more, or starts the payload.</summary>
    private bool ReadHeader()
    {
        bool masked = (_header[1] & 0x80) != 0;
        int length7 = _header[1] & 0x7F;
        int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        int needed = 2 + extended + (masked ? 4 : 0);
        if (_headerLength < needed)
        {
            _headerNeeded = needed;
            return true;
        }

        _fin = (_header[0] & 0x80) != 0;
        _opcode = (byte)(_header[0] & 0x0F);
        _payloadLeft = extended switch
        {
            2 => (_header[2] << 8) | _header[3],
            8 => (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(((ReadOnlySpan<byte>)_header).Slice(2, 8)),
            _ => length7,
        };
        if (_payloadLeft < 0 || (IsControl && _payloadLeft > WebSocketFrame.MaxControlPayloadLength) || masked)
        {
            return false; // a protocol violation: the socket fails the connection
        }

        _headerLength = 0;
        _headerNeeded = 2;
        _controlLength = 0;
        _state = State.Payload;
        if (_payloadLeft == 0)
        {
            EndFrame();
        }

        return true;
    }

    private void EndFrame()
    {
        _state = State.Header;
        switch (_opcode)
        {
            case 0x0 or 0x1 or 0x2 when _fin:
                _messages++;
                _atMessageEnd = true;
                break;
            case 0x9:
                observer.OnControlFrame(WebSocketFrameKind.Ping, ControlPayload, _messages);
                break;
            case 0xA:
                observer.OnControlFrame(WebSocketFrameKind.Pong, ControlPayload, _messages);
                break;
            case 0x8:
                observer.OnControlFrame(WebSocketFrameKind.Close, ControlPayload, _messages);
                break;
        }
    }

    private ReadOnlySpan<byte> ControlPayload => _control.AsSpan(0, _controlLength);

    /// <summary>The longest frame header (RFC 6455 §5.2): 2 bytes, an 8-byte length, a 4-byte mask.</summary>
    [System.Runtime.CompilerServices.InlineArray(14)]
    private struct HeaderBytes
    {
        private byte _first;
    }
}
