using System.Net;

namespace SlackKit.WebSockets;

/// <summary>Why a connection ended or a connect attempt failed (contract row 7), precisely enough to decide on.</summary>
public sealed class DisconnectReason
{
    private DisconnectReason(DisconnectKind kind, string message)
    {
        Kind = kind;
        Message = message;
    }

    /// <summary>What happened.</summary>
    public DisconnectKind Kind { get; }

    /// <summary>One sentence that says what happened, for logs.</summary>
    public string Message { get; }

    /// <summary>The close code of a remote or local close, when the close frame had one.</summary>
    public int? CloseCode { get; private init; }

    /// <summary>The close reason of a remote or local close.</summary>
    public string? CloseReason { get; private init; }

    /// <summary>The exception of a transport error or a handler failure.</summary>
    public Exception? Exception { get; private init; }

    /// <summary>The HTTP status of a refused handshake.</summary>
    public HttpStatusCode? HttpStatusCode { get; private init; }

    /// <summary>The wait a refused handshake's <c>Retry-After</c> header asks for (429, 503), or null.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>The HTTP response headers of a refused handshake (empty otherwise).</summary>
    public IReadOnlyDictionary<string, IEnumerable<string>> HttpHeaders { get; private init; } = EmptyHeaders;

    private static readonly IReadOnlyDictionary<string, IEnumerable<string>> EmptyHeaders =
        new Dictionary<string, IEnumerable<string>>();

    /// <summary>The peer sent a close frame.</summary>
    public static DisconnectReason RemoteClose(int? code, string? reason) => new(DisconnectKind.RemoteClose, $"remote close, {FormatClose(code, Internal.Redaction.Escape(reason))}")
    {
        CloseCode = code,
        CloseReason = reason,
    };

    /// <summary>This client closed the connection (a handler's <see cref="HandlerResult.Close()"/>, a cast close frame, or a stop).</summary>
    public static DisconnectReason LocalClose(int? code, string? reason) => new(DisconnectKind.LocalClose, $"local close, {FormatClose(code, reason)}")
    {
        CloseCode = code,
        CloseReason = reason,
    };

    /// <summary>
    /// The connection failed below the WebSocket protocol: refused, reset, timed out. The message says what each
    /// exception in the chain says, down to the innermost cause (a host name that does not resolve, a refused port).
    /// </summary>
    public static DisconnectReason TransportError(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new(DisconnectKind.TransportError, $"transport error: {Describe(exception)}") { Exception = exception };
    }

    /// <summary>
    /// The messages of <paramref name="exception"/> and its inner exceptions, outermost first, each left out when an
    /// outer one already says it ("Connection refused (host:port)" over "Connection refused").
    /// </summary>
    internal static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            string message = e.Message.Trim();
            if (message.Length > 0 && !parts.Any(p => p.Contains(message, StringComparison.OrdinalIgnoreCase)))
            {
                parts.Add(message);
            }
        }

        for (int i = 0; i < parts.Count - 1; i++)
        {
            parts[i] = parts[i].TrimEnd('.');
        }

        return parts.Count == 0 ? exception.GetType().Name : string.Join(": ", parts);
    }

    /// <summary>
    /// The URL provider given to <see cref="WebSocketClient.Start(Func{CancellationToken, ValueTask{Uri}}, IWebSocketHandler, WebSocketClientOptions?)"/>
    /// threw, or gave a URL that is not ws:// or wss://. <see cref="Exception"/> is the provider's own exception, as it
    /// threw it (an <see cref="ArgumentException"/> for a bad URL): <c>reason.Exception is MyAuthException</c> matches, so
    /// <c>[OnDisconnect]</c> can stop retrying a revoked token.
    /// </summary>
    public static DisconnectReason UrlProviderFailure(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new(DisconnectKind.UrlProviderFailed, $"URL provider failed: {Describe(exception)}") { Exception = exception };
    }

    /// <summary>The server answered the upgrade request with something other than 101.</summary>
    public static DisconnectReason HandshakeRefused(HttpStatusCode status, IReadOnlyDictionary<string, IEnumerable<string>>? headers, Exception? exception = null) =>
        HandshakeRefused(status, headers, location: null, exception);

    /// <summary>A refused handshake; a redirect names where it pointed (redacted), since redirects are not followed.</summary>
    internal static DisconnectReason HandshakeRefused(HttpStatusCode status, IReadOnlyDictionary<string, IEnumerable<string>>? headers, string? location, Exception? exception = null) =>
        new(DisconnectKind.HandshakeRefused, location is null
            ? $"handshake refused: HTTP {(int)status} {status}"
            : $"handshake refused: HTTP {(int)status} {status}, redirected to {location} (redirects are not followed)")
        {
            HttpStatusCode = status,
            HttpHeaders = headers ?? EmptyHeaders,
            Exception = exception,
            RetryAfter = ParseRetryAfter(headers),
        };

    /// <summary>Retry-After is a number of seconds or an HTTP date (RFC 9110 §10.2.3); anything else is ignored.</summary>
    private static TimeSpan? ParseRetryAfter(IReadOnlyDictionary<string, IEnumerable<string>>? headers)
    {
        if (headers is null)
        {
            return null;
        }

        foreach ((string name, IEnumerable<string> values) in headers)
        {
            if (!name.Equals("Retry-After", StringComparison.OrdinalIgnoreCase) || values.FirstOrDefault()?.Trim() is not { } value)
            {
                continue;
            }

            if (long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long seconds))
            {
                return TimeSpan.FromSeconds(Math.Min(seconds, (long)TimeSpan.MaxValue.TotalSeconds / 2));
            }

            if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset date))
            {
                TimeSpan wait = date - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return null;
    }

    /// <summary>Nothing arrived within the keepalive timeout after a ping.</summary>
    public static DisconnectReason KeepAliveTimeout(TimeSpan timeout) =>
        KeepAliveTimeout(timeout, $"keepalive timeout: nothing received within {timeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s after a ping");

    /// <summary>The peer found dead another way (a write that never completes), said in <paramref name="message"/>.</summary>
    internal static DisconnectReason KeepAliveTimeout(TimeSpan timeout, string message) =>
        new(DisconnectKind.KeepAliveTimeout, message);

    /// <summary>An inbound message was larger than <see cref="WebSocketClientOptions.MaxMessageSize"/>; the client closed with 1009.</summary>
    public static DisconnectReason MessageTooBig(long size, long limit) =>
        new(DisconnectKind.MessageTooBig, $"message too big: at least {size} bytes, over the limit of {limit}; closed with 1009")
        {
            CloseCode = 1009,
        };

    /// <summary>The peer broke the protocol: invalid UTF-8, a bad close code, a malformed frame.</summary>
    public static DisconnectReason ProtocolError(string what, int? closeCode = null, Exception? exception = null) =>
        new(DisconnectKind.ProtocolError, $"protocol error: {what}")
        {
            CloseCode = closeCode,
            Exception = exception,
        };

    /// <summary>A handler threw; the client closed with 1011.</summary>
    public static DisconnectReason HandlerFailure(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new(DisconnectKind.HandlerFailure, $"handler failure: {exception.GetType().Name}: {exception.Message}; closed with 1011")
        {
            Exception = exception,
            CloseCode = 1011,
        };
    }

    /// <inheritdoc/>
    public override string ToString() => Message;

    private static string FormatClose(int? code, string? reason) =>
        code is null ? "no code" : string.IsNullOrEmpty(reason) ? $"code {code}" : $"code {code}, \"{reason}\"";
}

/// <summary>The kinds of <see cref="DisconnectReason"/>.</summary>
public enum DisconnectKind
{
    /// <summary>The peer sent a close frame.</summary>
    RemoteClose = 1,

    /// <summary>This client closed the connection.</summary>
    LocalClose = 2,

    /// <summary>The connection failed below the WebSocket protocol.</summary>
    TransportError = 3,

    /// <summary>The server refused the upgrade.</summary>
    HandshakeRefused = 4,

    /// <summary>The peer stopped answering.</summary>
    KeepAliveTimeout = 5,

    /// <summary>An inbound message was over the size limit.</summary>
    MessageTooBig = 6,

    /// <summary>The peer broke the protocol.</summary>
    ProtocolError = 7,

    /// <summary>A handler threw.</summary>
    HandlerFailure = 8,

    /// <summary>The URL provider threw (or gave a URL that is not ws:// or wss://): no connect was attempted.</summary>
    UrlProviderFailed = 9,
}
