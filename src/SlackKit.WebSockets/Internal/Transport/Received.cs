using System.Buffers;

namespace SlackKit.WebSockets.Internal.Transport;

/// <summary>Where a <see cref="Received"/> message gives back what it holds.</summary>
internal interface IReceiveLease
{
    /// <summary>The handler of a message is done: its place in the receive queue (or the control allowance) is free again.</summary>
    void Return(bool credit, bool control);
}

/// <summary>
/// One received message or control frame on its way to a handler: a lease on a pooled buffer and on a place in the
/// receive queue (contract row 3), which it gives back itself with <see cref="Release"/> once the handler is done.
/// Released exactly once, by whoever holds it last (the mailbox, or the client when it terminates with mail left).
/// </summary>
internal readonly struct Received
{
    private readonly byte[]? _buffer;
    private readonly int _length;
    private readonly IReceiveLease? _lease;
    private readonly bool _credit;

    public Received(WebSocketFrameKind kind, byte[]? buffer, int length, IReceiveLease? lease, bool credit)
    {
        Kind = kind;
        _buffer = buffer;
        _length = length;
        _lease = lease;
        _credit = credit;
    }

    private Received(int? code, string reason)
    {
        Kind = WebSocketFrameKind.Close;
        CloseCode = code;
        CloseReason = reason;
    }

    /// <summary>The peer's close, which holds nothing to give back.</summary>
    public static Received Close(int? code, string reason) => new(code, reason);

    public WebSocketFrameKind Kind { get; }

    public int? CloseCode { get; }

    public string? CloseReason { get; }

    /// <summary>The payload: valid until <see cref="Release"/>.</summary>
    public ReadOnlyMemory<byte> Payload => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _length);

    /// <summary>Whether <paramref name="memory"/> lies in this message's buffer (a reply that echoes the payload).</summary>
    public bool Holds(ReadOnlyMemory<byte> memory) =>
        _buffer is not null && System.Runtime.InteropServices.MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment) && segment.Array == _buffer;

    public WebSocketFrame ToFrame() => Kind == WebSocketFrameKind.Close
        ? WebSocketFrame.ReceivedClose(CloseCode, CloseReason)
        : WebSocketFrame.Received(Kind, Payload);

    /// <summary>Gives the buffer back to the pool and the place back to the receive queue.</summary>
    public void Release()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _lease?.Return(_credit, Kind is WebSocketFrameKind.Ping or WebSocketFrameKind.Pong);
    }
}
