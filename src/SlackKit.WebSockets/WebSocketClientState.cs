namespace SlackKit.WebSockets;

/// <summary>Where a <see cref="WebSocketClient"/> is in its lifecycle.</summary>
public enum WebSocketClientState
{
    /// <summary>A handshake is under way.</summary>
    Connecting = 0,

    /// <summary>Connected: frames flow.</summary>
    Connected = 1,

    /// <summary>Not connected but alive: waiting to reconnect, or for <see cref="WebSocketClient.ConnectAsync(CancellationToken)"/>.</summary>
    Disconnected = 2,

    /// <summary>Ended: <c>[OnTerminate]</c> has run and <see cref="WebSocketClient.Completion"/> is complete.</summary>
    Terminated = 3,
}
