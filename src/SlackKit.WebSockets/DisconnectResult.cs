namespace SlackKit.WebSockets;

/// <summary>What <c>[OnDisconnect]</c> decides after a connection ends or a connect attempt fails.</summary>
/// <remarks>
/// The C# form of <c>{:ok}</c>, <c>{:reconnect}</c>, <c>{:reconnect, ms}</c> and <c>{:close, reason}</c>.
/// <c>default(DisconnectResult)</c> is <see cref="Default"/>.
/// </remarks>
public readonly struct DisconnectResult
{
    private DisconnectResult(DisconnectAction action, TimeSpan delay, string? reason)
    {
        Action = action;
        Delay = delay;
        Reason = reason;
    }

    /// <summary>
    /// No opinion: do what the <see cref="InitResult"/> decides (contract row 1). This is what a handler without
    /// <c>[OnDisconnect]</c> returns.
    /// </summary>
    public static DisconnectResult Default => default;

    /// <summary>Stay disconnected but alive; <see cref="WebSocketClient.ConnectAsync(CancellationToken)"/> connects again.</summary>
    public static DisconnectResult Ok => new(DisconnectAction.StayDisconnected, TimeSpan.Zero, null);

    /// <summary>Reconnect after a backoff with jitter (see <see cref="WebSocketClientOptions.ReconnectDelay"/>).</summary>
    public static DisconnectResult Reconnect => new(DisconnectAction.Reconnect, TimeSpan.Zero, null);

    /// <summary>Reconnect after exactly <paramref name="delay"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public static DisconnectResult ReconnectAfter(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new(DisconnectAction.ReconnectAfter, delay, null);
    }

    /// <summary>Terminate the client: <c>[OnTerminate]</c> runs with <paramref name="reason"/> and <see cref="WebSocketClient.Completion"/> ends.</summary>
    public static DisconnectResult Close(string? reason = null) => new(DisconnectAction.Terminate, TimeSpan.Zero, reason);

    /// <summary>What the handler decided.</summary>
    public DisconnectAction Action { get; }

    /// <summary>The wait before reconnecting, for <see cref="DisconnectAction.ReconnectAfter"/>.</summary>
    public TimeSpan Delay { get; }

    /// <summary>The reason given to <see cref="Close"/>.</summary>
    public string? Reason { get; }

    /// <inheritdoc/>
    public override string ToString() => Action switch
    {
        DisconnectAction.StayDisconnected => "Ok",
        DisconnectAction.Reconnect => "Reconnect",
        DisconnectAction.ReconnectAfter => $"ReconnectAfter({Delay})",
        DisconnectAction.Terminate => $"Close(\"{Reason}\")",
        _ => "Default",
    };
}

/// <summary>The kinds of <see cref="DisconnectResult"/>.</summary>
public enum DisconnectAction
{
    /// <summary>Do what the <see cref="InitResult"/> decides.</summary>
    Default = 0,

    /// <summary>Stay disconnected, alive, until <see cref="WebSocketClient.ConnectAsync(CancellationToken)"/>.</summary>
    StayDisconnected = 1,

    /// <summary>Reconnect after a backoff with jitter.</summary>
    Reconnect = 2,

    /// <summary>Reconnect after <see cref="DisconnectResult.Delay"/>.</summary>
    ReconnectAfter = 3,

    /// <summary>Terminate the client.</summary>
    Terminate = 4,
}
