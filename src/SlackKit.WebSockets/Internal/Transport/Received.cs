using System.Buffers;

namespace SlackKit.WebSockets.Internal.Transport;

/// <summary>Where a <see cref="Received"/> message gives back what it holds.</summary>
internal interface IReceiveLease
{
    /// <summary>The handler of a message is done: its place in the receive queue (or the control allowance) is free again.</summary>
    void Return(bool credit, bool control);

    /// <summary>The handler of a message read in place (<see cref="Received.Borrowed"/>) is done with <paramref name="buffer"/>.</summary>
    void ReturnBorrowed(byte[] buffer);
}

/// <summary>What became of a message offered to run inline on the receive loop.</summary>
internal enum InlineOutcome
{
    /// <summary>Not run: it goes through the mailbox, with a copy of its own.</summary>
    NotTaken,

    /// <summary>Run, and done: the receive loop reads on in the same buffer.</summary>
    Done,

    /// <summary>Run, and still running: the handler keeps the buffer the message lies in (see <see cref="ReceivePump"/>).</summary>
    Pending,
}

/// <summary>
/// One received message or control frame on its way to a handler: a lease on a pooled buffer and on a place in the
/// receive queue (contract row 3), which it gives back itself with <see cref="Release"/> once the handler is done.
/// Released exactly once, by whoever holds it last (the mailbox, or the client when it terminates with mail left).
/// </summary>
internal readonly struct Received
{
    private readonly byte[]? _buffer;
    private readonly int _offset;
    private readonly int _length;
    private readonly bool _borrowed; // lies in the receive loop's read buffer, which is not this message's to return
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

    private Received(WebSocketFrameKind kind, byte[] buffer, int offset, int length, IReceiveLease lease)
    {
        Kind = kind;
        _buffer = buffer;
        _offset = offset;
        _length = length;
        _lease = lease;
        _borrowed = true;
    }

    /// <summary>
    /// A message read in place, in the receive loop's buffer, for a handler that runs inline: no copy and no place in
    /// the receive queue while the handler runs synchronously; <see cref="Release"/> tells the lease it is done.
    /// </summary>
    public static Received Borrowed(WebSocketFrameKind kind, byte[] buffer, int offset, int length, IReceiveLease lease) =>
        new(kind, buffer, offset, length, lease);

    /// <summary>The peer's close, which holds nothing to give back.</summary>
    public static Received Close(int? code, string reason) => new(code, reason);

    public WebSocketFrameKind Kind { get; }

    public int? CloseCode { get; }

    public string? CloseReason { get; }

    /// <summary>The payload: valid until <see cref="Release"/>.</summary>
    public ReadOnlyMemory<byte> Payload => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(_offset, _length);

    /// <summary>Whether <paramref name="memory"/> lies in this message's buffer (a reply that echoes the payload).</summary>
    public bool Holds(ReadOnlyMemory<byte> memory) =>
        _buffer is not null && System.Runtime.InteropServices.MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment) && segment.Array == _buffer;

    public WebSocketFrame ToFrame() => Kind == WebSocketFrameKind.Close
        ? WebSocketFrame.ReceivedClose(CloseCode, CloseReason)
        : WebSocketFrame.Received(Kind, Payload);

    /// <summary>Gives the buffer back to the pool and the place back to the receive queue.</summary>
    public void Release()
    {
        if (_borrowed)
        {
            _lease!.ReturnBorrowed(_buffer!);
            return;
        }

        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _lease?.Return(_credit, Kind is WebSocketFrameKind.Ping or WebSocketFrameKind.Pong);
    }
}
