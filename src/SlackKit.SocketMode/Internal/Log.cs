using Microsoft.Extensions.Logging;

namespace SlackKit.SocketMode.Internal;

/// <summary>What the Socket Mode client logs (category <c>SlackKit.SocketMode</c>). Never a token, never a Socket Mode URL's ticket.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Socket Mode connection {Connection} ready (hello: {NumConnections} connection(s) open for app {AppId})")]
    public static partial void Hello(ILogger logger, int connection, int numConnections, string? appId);

    [LoggerMessage(2, LogLevel.Information, "Slack will close connection {Connection} soon (disconnect: {Reason}); opening its replacement first")]
    public static partial void Warning(ILogger logger, int connection, string reason);

    [LoggerMessage(3, LogLevel.Information, "Slack asked connection {Connection} to reconnect (disconnect: {Reason})")]
    public static partial void Refresh(ILogger logger, int connection, string reason);

    [LoggerMessage(4, LogLevel.Information, "Connection {Connection} lost: {Reason}")]
    public static partial void Lost(ILogger logger, int connection, string reason);

    [LoggerMessage(5, LogLevel.Error, "The handler of {Kind} {Name} threw (envelope {EnvelopeId}); the app goes on")]
    public static partial void HandlerFailed(ILogger logger, SlackKit.SocketMode.SlackRouteKind kind, string name, string envelopeId, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "No handler for {Kind} {Name}: acked and ignored (logged once per name)")]
    public static partial void Unrouted(ILogger logger, SlackKit.SocketMode.SlackRouteKind kind, string name);

    [LoggerMessage(7, LogLevel.Warning, "Unknown Socket Mode message type {Type}: ignored (logged once per type)")]
    public static partial void UnknownType(ILogger logger, string type);

    [LoggerMessage(8, LogLevel.Warning, "A malformed Socket Mode message ({Length} bytes) on connection {Connection}: {Problem}; ignored")]
    public static partial void Malformed(ILogger logger, int connection, int length, string problem);

    [LoggerMessage(9, LogLevel.Debug, "Envelope {EnvelopeId} ({Key}) was already taken: acked and dropped (retry_attempt {RetryAttempt})")]
    public static partial void Duplicate(ILogger logger, string envelopeId, string key, int retryAttempt);

    [LoggerMessage(10, LogLevel.Information, "The response of {Kind} {Name} missed the ack (envelope {EnvelopeId}); it goes to response_url")]
    public static partial void LateResponse(ILogger logger, SlackKit.SocketMode.SlackRouteKind kind, string name, string envelopeId);

    [LoggerMessage(11, LogLevel.Error, "The response of {Kind} {Name} (envelope {EnvelopeId}) was lost: {Why}")]
    public static partial void ResponseLost(ILogger logger, SlackKit.SocketMode.SlackRouteKind kind, string name, string envelopeId, string why, Exception? exception);

    [LoggerMessage(12, LogLevel.Critical, "The Socket Mode app stops: {Reason}")]
    public static partial void Fatal(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(13, LogLevel.Warning, "Slack refused connection {Connection}: too many websockets for the app; waiting {DelaySeconds} s before trying again")]
    public static partial void TooManyWebSockets(ILogger logger, int connection, double delaySeconds);

    [LoggerMessage(14, LogLevel.Debug, "The ack of envelope {EnvelopeId} waits for room in the send queue: Slack reads slower than the bot acks")]
    public static partial void AckWaitsForRoom(ILogger logger, string envelopeId);

    [LoggerMessage(15, LogLevel.Warning, "The claim store cannot be reached ({ErrorType}: {Error}); until it is back, envelopes are: {Policy}")]
    public static partial void ClaimStoreUnavailable(ILogger logger, string errorType, string error, SlackKit.SocketMode.SlackClaimStoreOutage policy, Exception exception);

    [LoggerMessage(16, LogLevel.Warning, "The claim store is back after {Seconds:0.0} s: {Handled} envelope(s) were handled without it, {Duplicates} of them by another instance too")]
    public static partial void ClaimStoreBack(ILogger logger, double seconds, int handled, int duplicates);

    [LoggerMessage(17, LogLevel.Information, "Took over claim {Key} as {Instance}: its instance did not finish it within the lease; its handler runs here")]
    public static partial void TookOver(ILogger logger, string key, string instance);

    [LoggerMessage(18, LogLevel.Warning, "Claim {Key} of {Instance} was taken over by another instance before it was completed: its handler may have run twice")]
    public static partial void ClaimLost(ILogger logger, string key, string instance);

    [LoggerMessage(19, LogLevel.Warning, "{Key} was handled here while the claim store was out, and by another instance too")]
    public static partial void OutageDuplicate(ILogger logger, string key);

    [LoggerMessage(20, LogLevel.Information, "Claims go to {Store} as instance {Instance} (lease {LeaseSeconds} s, remembered {ExpiryMinutes} min{Note})")]
    public static partial void ClaimStore(ILogger logger, string store, string instance, double leaseSeconds, double expiryMinutes, string note);

    [LoggerMessage(21, LogLevel.Error, "A claim taken over ({Key}) holds no envelope this client can read: completed without a handler")]
    public static partial void TakeOverUnreadable(ILogger logger, string key);

    [LoggerMessage(22, LogLevel.Warning, "The host's IDistributedCache is Redis, but claims on it are best effort (not atomic, no takeover): reference SlackKit.SocketMode.Redis and call UseRedis() after AddSlackSocketMode")]
    public static partial void RedisWithoutUseRedis(ILogger logger);
}
