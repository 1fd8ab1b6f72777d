namespace SlackKit.WebSockets.Internal.Protocol;

/// <summary>
/// The close handshake of one connection (RFC 6455 §7), with no I/O: who closed first, with what, whether our close
/// frame is on the wire and the peer's has arrived, and why the connection ends. The first cause given wins: a
/// keepalive timeout, a violation, a handler failure or a message over the limit is what the owner is told, whatever
/// happens after it (the peer's answer to our 1002, the abort that follows a dead peer).
/// </summary>
/// <remarks>Thread-safe: the receive loop, the writer, the mailbox and timers all report to it.</remarks>
internal sealed class CloseHandshake
{
    private readonly object _gate = new();
    private DisconnectReason? _cause;
    private bool _localBegan; // our close was queued before the peer's close arrived
    private int? _localCode;
    private string? _localReason;
    private bool _localWritten;
    private bool _remoteReceived;
    private int? _remoteCode;
    private string _remoteReason = string.Empty;
    private volatile bool _dropsUnhandled; // false until set once, under _gate; read without it (every message asks)

    /// <summary>Our close frame is queued or written: nothing more is taken for sending.</summary>
    public bool IsClosing { get; private set; }

    /// <summary>
    /// The client itself asked for the close (a handler, a cast close frame, a stop): messages received but not yet
    /// handled are dropped. A close the connection begins (a violation, a message over the limit) lets the messages
    /// that came before it through.
    /// </summary>
    public bool DropsUnhandled => _dropsUnhandled;

    /// <summary>Both close frames are through: the connection can go.</summary>
    public bool IsComplete
    {
        get
        {
            lock (_gate)
            {
                return _localWritten && _remoteReceived;
            }
        }
    }

    /// <summary>Records why the connection ends, unless a cause was recorded before; true when this one is it.</summary>
    public bool TrySetCause(DisconnectReason cause)
    {
        lock (_gate)
        {
            if (_cause is not null)
            {
                return false;
            }

            _cause = cause;
            return true;
        }
    }

    /// <summary>
    /// Begins (or joins) the close from this side with a close frame of <paramref name="code"/> and
    /// <paramref name="reason"/>. True when the caller must queue that frame: the first close of this side.
    /// </summary>
    public bool TryBeginLocal(int? code, string? reason, DisconnectReason? cause, bool dropUnhandled)
    {
        lock (_gate)
        {
            _dropsUnhandled |= dropUnhandled;
            if (cause is not null)
            {
                _cause ??= cause;
            }

            if (IsClosing)
            {
                return false;
            }

            IsClosing = true;
            _localBegan = !_remoteReceived;
            _localCode = code;
            _localReason = reason;
            return true;
        }
    }

    /// <summary>
    /// The peer's close frame arrived. True when the peer began the close and this side must answer it (with
    /// <see cref="TryAnswer"/>, once what came before it is handled).
    /// </summary>
    public bool OnRemoteClose(int? code, string reason)
    {
        lock (_gate)
        {
            _remoteReceived = true;
            _remoteCode = code;
            _remoteReason = reason;
            return !IsClosing;
        }
    }

    /// <summary>
    /// The answer to the peer's close: the same code, no reason (RFC 6455 §5.5.1). Null when this side's close is queued
    /// already (both ends closed at once).
    /// </summary>
    public WebSocketFrame? TryAnswer()
    {
        lock (_gate)
        {
            if (IsClosing)
            {
                return null;
            }

            IsClosing = true;
            _localCode = _remoteCode;
            return WebSocketFrame.ReceivedClose(_remoteCode, null);
        }
    }

    /// <summary>Our close frame is on the wire: nothing may follow it.</summary>
    public void OnLocalWritten()
    {
        lock (_gate)
        {
            _localWritten = true;
        }
    }

    /// <summary>
    /// Why the connection ended: the first cause recorded; else the close, ours if we began it, the peer's if it did;
    /// else the failure that ended it (<paramref name="failure"/>: a read or write error, the end of the stream).
    /// </summary>
    public DisconnectReason GetReason(Func<DisconnectReason> failure)
    {
        lock (_gate)
        {
            if (_cause is not null)
            {
                return _cause;
            }

            if (_localBegan)
            {
                return DisconnectReason.LocalClose(_localCode, _localReason);
            }

            return _remoteReceived ? DisconnectReason.RemoteClose(_remoteCode, _remoteReason) : failure();
        }
    }
}
