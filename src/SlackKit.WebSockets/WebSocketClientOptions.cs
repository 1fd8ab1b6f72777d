namespace SlackKit.WebSockets;

/// <summary>What a user decides about a <see cref="WebSocketClient"/>. Every option has a default that suits a bot.</summary>
public sealed class WebSocketClientOptions
{
    /// <summary>How long a handshake may take before it fails as a transport error. Default: 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the client waits for the peer's close frame after sending its own, before it drops the connection.
    /// Default: 5 seconds.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The largest inbound message, in bytes. A larger one closes the connection with 1009 and disconnects with
    /// "message too big"; none of it reaches a handler. Default: 1 MiB.
    /// </summary>
    public int MaxMessageSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// How many frames <see cref="WebSocketClient.Cast"/>, <see cref="WebSocketClient.SendAsync"/> and replies may
    /// queue before they are written. When the queue is full, <c>Cast</c> returns <see langword="false"/> and
    /// <c>SendAsync</c> waits for room. Default: 1024.
    /// </summary>
    public int SendQueueCapacity { get; set; } = 1024;

    /// <summary>
    /// How many whole inbound messages may wait for a busy handler before the client stops reading from the socket
    /// (and TCP pushes back on the peer); it reads on once half of them have been handled. Default: 16.
    /// </summary>
    public int ReceiveQueueCapacity { get; set; } = 16;

    /// <summary>
    /// The first wait before reconnecting after <see cref="DisconnectResult.Reconnect"/>: the first wait is a random
    /// time up to this, and each further wait doubles, up to <see cref="MaxReconnectDelay"/>. Default: 1 second.
    /// </summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between reconnect attempts. Default: 60 seconds.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a connection must hold for the backoff to start again from <see cref="ReconnectDelay"/>. Default: 30 seconds.</summary>
    public TimeSpan ReconnectResetAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often to ping the peer (<c>:keepalive</c>). Default: <see cref="Timeout.InfiniteTimeSpan"/>, no pings;
    /// the client then relies on TCP and the peer to notice a dead connection.
    /// </summary>
    public TimeSpan KeepAlive { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// With <see cref="KeepAlive"/> on: when nothing at all (a pong, a message, any frame) arrives within this time of
    /// a ping, the peer is taken for dead and the client disconnects with "keepalive timeout". Time in which the
    /// client itself stopped reading, because a handler was behind, does not count. Default: 20 seconds.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Runs before every connect attempt, to set what the handshake sends: request headers
    /// (<see cref="WebSocketRequest.SetRequestHeader"/>, including <c>Cookie</c>) and sub-protocols
    /// (<see cref="WebSocketRequest.AddSubProtocol"/>). A token or URL that is good for one use only is fetched anew
    /// for each attempt. Proxy, credentials and TLS are set in <see cref="ConfigureHandler"/>. An exception from it
    /// fails the attempt as a transport error, which <c>[OnDisconnect]</c> decides on.
    /// </summary>
    public Func<WebSocketRequest, CancellationToken, ValueTask>? ConfigureRequest { get; set; }

    /// <summary>
    /// The longest an inbound message may take to arrive, from its first byte to its last. A peer that trickles a
    /// message slower than that fails the connection (closed with 1008, "protocol error"). Default:
    /// <see cref="Timeout.InfiniteTimeSpan"/>, no limit; <see cref="KeepAlive"/> does not catch a trickle, since every
    /// byte is a sign of life.
    /// </summary>
    public TimeSpan MessageTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// How many messages given to <see cref="WebSocketClient.Post"/> may wait for <c>[OnInfo]</c>. When that many
    /// wait, <c>Post</c> returns <see langword="false"/> and the message is not taken. Default: 1024.
    /// </summary>
    public int PostQueueCapacity { get; set; } = 1024;

    /// <summary>
    /// The clock of every timeout, delay and keepalive of the client (<see cref="TimeProvider.System"/> by default).
    /// Tests give a fake one (<c>FakeTimeProvider</c>) to run backoff, keepalive and close timeouts in milliseconds.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Where the client logs its lifecycle (category <c>SlackKit.WebSockets.WebSocketClient</c>). Default: no logging.
    /// A URL's query string, where Slack puts its one-time ticket, is never logged.
    /// </summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// Runs on the <see cref="System.Net.Http.SocketsHttpHandler"/> of each connect attempt: the place for TLS
    /// (<see cref="System.Net.Http.SocketsHttpHandler.SslOptions"/>: client certificates, certificate validation),
    /// a proxy, credentials. Redirects are never followed, whatever it sets
    /// (<see cref="System.Net.Http.SocketsHttpHandler.AllowAutoRedirect"/> is turned off after it runs): a 3xx answer
    /// is a refused handshake that names its <c>Location</c>. A client whose handler validates certificates with a
    /// callback of its own logs a warning once (event 12): turning validation off should never go unseen.
    /// </summary>
    public Action<System.Net.Http.SocketsHttpHandler>? ConfigureHandler { get; set; }

    /// <summary>Throws when an option is out of range, naming it.</summary>
    internal void Validate()
    {
        RequirePositive(ConnectTimeout, nameof(ConnectTimeout));
        RequirePositive(CloseTimeout, nameof(CloseTimeout));
        RequirePositive(ReconnectDelay, nameof(ReconnectDelay));
        RequirePositive(KeepAlive, nameof(KeepAlive));
        RequirePositive(KeepAliveTimeout, nameof(KeepAliveTimeout));
        RequirePositive(MessageTimeout, nameof(MessageTimeout));
        RequirePositive(MaxReconnectDelay, nameof(MaxReconnectDelay));
        if (ReconnectResetAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ReconnectResetAfter), ReconnectResetAfter, "ReconnectResetAfter may not be negative.");
        }

        if (MaxReconnectDelay < ReconnectDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxReconnectDelay), MaxReconnectDelay,
                $"MaxReconnectDelay ({MaxReconnectDelay}) may not be shorter than ReconnectDelay ({ReconnectDelay}).");
        }

        if (MaxMessageSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), MaxMessageSize, "MaxMessageSize must be at least 1 byte.");
        }

        if (SendQueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SendQueueCapacity), SendQueueCapacity, "SendQueueCapacity must be at least 1.");
        }

        if (PostQueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PostQueueCapacity), PostQueueCapacity, "PostQueueCapacity must be at least 1.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));

        if (ReceiveQueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ReceiveQueueCapacity), ReceiveQueueCapacity, "ReceiveQueueCapacity must be at least 1.");
        }
    }

    internal WebSocketClientOptions Clone() => (WebSocketClientOptions)MemberwiseClone();

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive (or Timeout.InfiniteTimeSpan).");
        }
    }
}
