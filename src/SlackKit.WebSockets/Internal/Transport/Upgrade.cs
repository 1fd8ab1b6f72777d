using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace SlackKit.WebSockets.Internal.Transport;

/// <summary>The stream a successful upgrade hands over, and what the attempt learned on the way.</summary>
internal sealed record Upgraded(Stream Stream, string? SubProtocol);

/// <summary>
/// The opening handshake (RFC 6455 §4): an HTTP/1.1 <c>GET</c> with the upgrade headers, sent through
/// <see cref="SocketsHttpHandler"/> (which does TCP, TLS, proxies, and reads the response as HTTP does: bare LF line
/// ends, informational 1xx answers before the 101), and the checks a client must make of the 101. The stream it hands
/// over is the connection itself, after the response: what the peer sent in the same packet is its first bytes.
/// </summary>
/// <remarks>
/// Redirects are never followed: a 3xx is a refused handshake whose reason names the <c>Location</c> (redacted). A
/// redirect could take the request's own headers (an API key) to another origin, or from wss to ws.
/// </remarks>
internal static class Upgrade
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The handler of every attempt whose options configure none: one connection pool, settings of its own.</summary>
    private static readonly Lazy<HttpMessageInvoker> SharedInvoker = new(() => new HttpMessageInvoker(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false, // a Cookie header set in ConfigureRequest goes as it is
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.Zero, // a refused handshake's connection is not kept for the next attempt
    }));

    /// <summary>
    /// Connects and upgrades. Returns the upgraded stream, or throws <see cref="UpgradeFailedException"/> with the
    /// reason, or <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> ends the attempt.
    /// </summary>
    public static async Task<Upgraded> ConnectAsync(Uri url, WebSocketClientOptions options, Action<SocketsHttpHandler>? onHandler, CancellationToken cancellationToken)
    {
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        using var request = new HttpRequestMessage(HttpMethod.Get, url)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        var configured = new WebSocketRequest(url, request.Headers);
        if (options.ConfigureRequest is { } configure)
        {
            await configure(configured, cancellationToken).ConfigureAwait(false);
        }

        HttpRequestHeaders headers = request.Headers;
        headers.TryAddWithoutValidation("Connection", "Upgrade");
        headers.TryAddWithoutValidation("Upgrade", "websocket");
        headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        headers.TryAddWithoutValidation("Sec-WebSocket-Key", key);
        if (configured.SubProtocols.Count > 0)
        {
            headers.TryAddWithoutValidation("Sec-WebSocket-Protocol", string.Join(", ", configured.SubProtocols));
        }

        HttpMessageInvoker invoker;
        if (options.ConfigureHandler is { } configureHandler)
        {
            var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, UseCookies = false };
            configureHandler(handler);
            handler.AllowAutoRedirect = false; // whatever the callback set: see the remarks
            onHandler?.Invoke(handler);
            invoker = new HttpMessageInvoker(handler, disposeHandler: true);
        }
        else
        {
            invoker = SharedInvoker.Value;
        }

        HttpResponseMessage? response = null;
        try
        {
            try
            {
                response = await invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new UpgradeFailedException(DisconnectReason.TransportError(ex));
            }

            if (response.StatusCode != HttpStatusCode.SwitchingProtocols)
            {
                throw new UpgradeFailedException(Refused(response));
            }

            string? subProtocol = Check(response, key, configured.SubProtocols);
            Stream stream = response.Content.ReadAsStream(cancellationToken);
            response = null; // the stream is the connection now: disposing the response would close it
            return new Upgraded(stream, subProtocol);
        }
        finally
        {
            response?.Dispose();
            if (!ReferenceEquals(invoker, SharedInvoker.Value))
            {
                invoker.Dispose(); // an upgraded connection has left the pool: it outlives its handler
            }
        }
    }

    private static DisconnectReason Refused(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, IEnumerable<string> values) in response.Headers)
        {
            headers[name] = values.ToArray();
        }

        foreach ((string name, IEnumerable<string> values) in response.Content.Headers)
        {
            headers[name] = values.ToArray();
        }

        string? location = (int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } target
            ? Redaction.Url(target.IsAbsoluteUri ? target : new Uri(response.RequestMessage!.RequestUri!, target))
            : null;
        return DisconnectReason.HandshakeRefused(response.StatusCode, headers, location);
    }

    /// <summary>The checks RFC 6455 §4.1 asks of a client; returns the sub-protocol the server chose, if any.</summary>
    private static string? Check(HttpResponseMessage response, string key, IReadOnlyList<string> asked)
    {
        HttpResponseHeaders headers = response.Headers;
        if (!HasToken(headers, "Upgrade", "websocket"))
        {
            throw Invalid("the server's 101 response does not say 'Upgrade: websocket'");
        }

        if (!HasToken(headers, "Connection", "upgrade"))
        {
            throw Invalid("the server's 101 response does not say 'Connection: Upgrade'");
        }

        string expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
        if (!headers.TryGetValues("Sec-WebSocket-Accept", out IEnumerable<string>? accept) || accept.SingleOrDefault()?.Trim() != expected)
        {
            throw Invalid("the server's 101 response has no Sec-WebSocket-Accept that matches the key sent");
        }

        if (headers.TryGetValues("Sec-WebSocket-Extensions", out IEnumerable<string>? extensions) && string.Join(", ", extensions) is { Length: > 0 } named)
        {
            throw Invalid($"the server accepted with the extension '{Redaction.Escape(named)}', which the client did not offer");
        }

        if (!headers.TryGetValues("Sec-WebSocket-Protocol", out IEnumerable<string>? chosen) || string.Join(", ", chosen).Trim() is not { Length: > 0 } protocol)
        {
            return null;
        }

        return asked.FirstOrDefault(p => p.Equals(protocol, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid($"the server chose the sub-protocol '{Redaction.Escape(protocol)}', which the client did not ask for");
    }

    private static bool HasToken(HttpResponseHeaders headers, string name, string token) =>
        headers.TryGetValues(name, out IEnumerable<string>? values)
        && values.SelectMany(v => v.Split(',')).Any(v => v.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));

    private static UpgradeFailedException Invalid(string what) =>
        new(DisconnectReason.ProtocolError($"{what} (RFC 6455 §4.1)"));
}

/// <summary>A connect attempt that failed, with the reason <c>[OnDisconnect]</c> is given.</summary>
internal sealed class UpgradeFailedException(DisconnectReason reason) : Exception(reason.Message, reason.Exception)
{
    public DisconnectReason Reason { get; } = reason;
}
