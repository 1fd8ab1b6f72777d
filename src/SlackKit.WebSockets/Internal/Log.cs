using Microsoft.Extensions.Logging;

namespace SlackKit.WebSockets.Internal;

/// <summary>
/// What the client logs (source-generated LoggerMessage: no allocation when the level is off). An endpoint is always
/// scheme://host:port/path: a query string, where Slack puts its one-time ticket, is never logged.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Connecting to {Endpoint}")]
    public static partial void Connecting(ILogger logger, Endpoint endpoint);

    [LoggerMessage(2, LogLevel.Information, "Connected to {Endpoint}")]
    public static partial void Connected(ILogger logger, Endpoint endpoint);

    [LoggerMessage(3, LogLevel.Information, "Disconnected from {Endpoint}: {Reason}")]
    public static partial void Disconnected(ILogger logger, Endpoint endpoint, string reason, Exception? exception);

    [LoggerMessage(4, LogLevel.Information, "Reconnecting in {DelayMs} ms (attempt {Attempt})")]
    public static partial void ReconnectScheduled(ILogger logger, long delayMs, int attempt);

    [LoggerMessage(5, LogLevel.Warning, "{Count} frame(s) accepted for sending were not written before the connection ended")]
    public static partial void FramesDropped(ILogger logger, long count);

    [LoggerMessage(6, LogLevel.Error, "The {Callback} handler threw; the connection is closed with 1011")]
    public static partial void HandlerFailed(ILogger logger, string callback, Exception exception);

    [LoggerMessage(7, LogLevel.Error, "OnDisconnect threw; the client terminates")]
    public static partial void OnDisconnectFailed(ILogger logger, Exception exception);

    [LoggerMessage(8, LogLevel.Information, "Terminated: {Reason}")]
    public static partial void Terminated(ILogger logger, string reason);

    [LoggerMessage(9, LogLevel.Warning, "A reply from a handler was not sent: the client is not connected")]
    public static partial void ReplyDropped(ILogger logger);

    [LoggerMessage(10, LogLevel.Error, "OnTerminate threw; Completion ends as failed")]
    public static partial void OnTerminateFailed(ILogger logger, Exception exception);

    [LoggerMessage(11, LogLevel.Warning, "{Count} ping/pong frame(s) were answered but not delivered to [OnPing]/[OnPong]: the handler was behind")]
    public static partial void ControlFramesNotDelivered(ILogger logger, long count);

    [LoggerMessage(12, LogLevel.Warning, "Connections to {Endpoint} validate the server's certificate with a callback of ConfigureHandler's, not the system's rules")]
    public static partial void CustomCertificateValidation(ILogger logger, Endpoint endpoint);

    [LoggerMessage(13, LogLevel.Warning, "Connect attempt {Attempt} to {Endpoint} failed: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, int attempt, Endpoint endpoint, string reason, Exception? exception);

    [LoggerMessage(14, LogLevel.Trace, "Reading paused: the handlers are {Capacity} message(s) behind (ReceiveQueueCapacity); nothing more is read until one is done")]
    public static partial void ReadingPaused(ILogger logger, int capacity);
}

/// <summary>
/// A URL as it is logged: scheme://host:port/path, with no user info, no query and no fragment. The text is made only
/// when a log event is written, so a client whose logging is off keeps no string for it.
/// </summary>
internal readonly struct Endpoint(Uri? url)
{
    public override string ToString() => url is null ? string.Empty : Redaction.Url(url);
}
