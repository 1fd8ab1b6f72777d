namespace SlackKit.WebSockets;

/// <summary>
/// What <c>[OnInit]</c> decides about connecting and reconnecting (contract row 1). A handler without
/// <c>[OnInit]</c> behaves as <see cref="Reconnect"/>.
/// </summary>
public enum InitResult
{
    /// <summary>
    /// Connect now, retry a failed first connect, and, when the handler has no <c>[OnDisconnect]</c>, reconnect
    /// (with backoff) after every disconnect. The default.
    /// </summary>
    Reconnect = 0,

    /// <summary>Connect now; when the handler has no <c>[OnDisconnect]</c>, terminate after the first disconnect.</summary>
    Ok = 1,

    /// <summary>Connect now and never reconnect: after the first disconnect the client terminates, whatever <c>[OnDisconnect]</c> returns.</summary>
    Once = 2,
}
