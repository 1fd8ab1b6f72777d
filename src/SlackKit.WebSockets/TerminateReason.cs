namespace SlackKit.WebSockets;

/// <summary>Why a client terminated (contract row 13): what <c>[OnTerminate]</c> gets and <see cref="WebSocketClient.Completion"/> ends with.</summary>
public sealed class TerminateReason
{
    private TerminateReason(TerminateKind kind, string? reason, Exception? exception)
    {
        Kind = kind;
        Reason = reason;
        Exception = exception;
    }

    /// <summary>How the client ended.</summary>
    public TerminateKind Kind { get; }

    /// <summary>The reason <c>[OnDisconnect]</c> gave to <see cref="DisconnectResult.Close"/>, or the disconnect that ended a client that does not reconnect.</summary>
    public string? Reason { get; }

    /// <summary>The error of a <see cref="TerminateKind.Failed"/> client.</summary>
    public Exception? Exception { get; }

    /// <summary>The client was closed by <c>[OnDisconnect]</c> (or by its <see cref="InitResult"/> after a disconnect).</summary>
    public static TerminateReason Closed(string? reason) => new(TerminateKind.Closed, reason, null);

    /// <summary>The client was stopped: <see cref="WebSocketClient.StopAsync"/>, <see cref="WebSocketClient.DisposeAsync"/> or the host.</summary>
    public static TerminateReason Stopped { get; } = new(TerminateKind.Stopped, null, null);

    /// <summary>The client failed with <paramref name="exception"/>.</summary>
    public static TerminateReason Failed(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new(TerminateKind.Failed, exception.Message, exception);
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        TerminateKind.Closed => Reason is null ? "closed" : $"closed: {Reason}",
        TerminateKind.Stopped => "stopped",
        _ => $"failed: {Exception?.GetType().Name}: {Reason}",
    };
}

/// <summary>The kinds of <see cref="TerminateReason"/>.</summary>
public enum TerminateKind
{
    /// <summary>Closed by <c>[OnDisconnect]</c> or by the <see cref="InitResult"/>.</summary>
    Closed = 1,

    /// <summary>Stopped by its owner.</summary>
    Stopped = 2,

    /// <summary>Ended by an exception.</summary>
    Failed = 3,
}
