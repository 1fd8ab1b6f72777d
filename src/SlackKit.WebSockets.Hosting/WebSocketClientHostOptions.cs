namespace SlackKit.WebSockets.Hosting;

/// <summary>
/// What a hosted client needs: where to connect, the client's options, and what to do when it ends with an error.
/// Configured the <c>Microsoft.Extensions.Options</c> way: <c>services.AddWebSocketClient&lt;Bot&gt;().Bind(section)</c>.
/// </summary>
public sealed class WebSocketClientHostOptions
{
    /// <summary>The ws:// or wss:// URL. Required, unless <see cref="UrlProvider"/> is set.</summary>
    public Uri? Url { get; set; }

    /// <summary>
    /// Asked before every connect attempt, instead of <see cref="Url"/>: for a URL that is good for one connection only
    /// (Slack's <c>rtm.connect</c>, <c>apps.connections.open</c>). Gets the host's services.
    /// </summary>
    public Func<IServiceProvider, CancellationToken, ValueTask<Uri>>? UrlProvider { get; set; }

    /// <summary>The client's options (keepalive, timeouts, limits, backoff). Its logger defaults to the host's.</summary>
    public WebSocketClientOptions Client { get; set; } = new();

    /// <summary>
    /// Whether a client that ended with an error (<see cref="TerminateKind.Failed"/>: an exception from
    /// <c>[OnDisconnect]</c>, <c>[OnInit]</c> or an <c>[OnInfo]</c> while disconnected) is started again, with a new
    /// handler from the container. A client that <c>[OnDisconnect]</c> closed ended as it decided, and is not.
    /// Default: true.
    /// </summary>
    public bool RestartOnFailure { get; set; } = true;

    /// <summary>The wait before such a restart. Default: 5 seconds.</summary>
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many restarts within <see cref="RestartWindow"/>, at most; a client that fails once more stays ended (see
    /// <see cref="StopHostWhenEnded"/>). Default: 10.
    /// </summary>
    public int MaxRestarts { get; set; } = 10;

    /// <summary>
    /// The window <see cref="MaxRestarts"/> is counted in: restarts longer ago than this no longer count, so a bot
    /// that fails now and then over weeks is not given up on. Default: 10 minutes.
    /// </summary>
    public TimeSpan RestartWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Whether the host stops when the client has failed and will not be started again (past
    /// <see cref="MaxRestarts"/>, or <see cref="RestartOnFailure"/> off), as a failed <c>BackgroundService</c> stops
    /// its host by default since .NET 8: a bot process that runs on without its bot helps nobody, and a process
    /// supervisor can start it afresh. It is logged as an error either way. A client that ended as
    /// <c>[OnDisconnect]</c> decided does not stop the host. Default: true.
    /// </summary>
    public bool StopHostWhenEnded { get; set; } = true;
}
