using System.Net.Http.Headers;

namespace SlackKit.WebSockets;

/// <summary>
/// The upgrade request of one connect attempt, as <see cref="WebSocketClientOptions.ConfigureRequest"/> sees it: set
/// the headers and sub-protocols this attempt sends. A new one is made for every attempt.
/// </summary>
/// <remarks>
/// The request is an HTTP/1.1 <c>GET</c> (RFC 6455 §4.1); the headers that make it an upgrade
/// (<c>Connection</c>, <c>Upgrade</c>, <c>Sec-WebSocket-*</c>, <c>Host</c>) are the client's own and cannot be set
/// here. A <c>Cookie</c> header can: the client sends what you set, as you set it.
/// </remarks>
public sealed class WebSocketRequest
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Upgrade", "Host", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol",
        "Sec-WebSocket-Extensions", "Sec-WebSocket-Accept", "Content-Length", "Transfer-Encoding",
    };

    private readonly HttpRequestHeaders _headers;
    private List<string>? _subProtocols;

    internal WebSocketRequest(Uri url, HttpRequestHeaders headers)
    {
        Url = url;
        _headers = headers;
    }

    /// <summary>The URL this attempt connects to.</summary>
    public Uri Url { get; }

    /// <summary>The sub-protocols asked for, in order of preference (<c>Sec-WebSocket-Protocol</c>).</summary>
    public IReadOnlyList<string> SubProtocols => (IReadOnlyList<string>?)_subProtocols ?? [];

    /// <summary>Sets a request header, replacing any value set before; a null value removes it.</summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="name"/> is one of the upgrade's own headers, or the name or value is not valid in HTTP.
    /// </exception>
    public void SetRequestHeader(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (Reserved.Contains(name))
        {
            throw new ArgumentException($"'{name}' belongs to the WebSocket upgrade and is set by the client itself.", nameof(name));
        }

        _headers.Remove(name);
        if (value is null)
        {
            return;
        }

        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"The value of '{name}' holds a line break, which HTTP does not allow in a header.", nameof(value));
        }

        try
        {
            _headers.Add(name, value);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"'{name}: {value}' is not a valid HTTP request header: {ex.Message}", nameof(name), ex);
        }
    }

    /// <summary>Asks for a sub-protocol; the server picks at most one of those asked for, or the connect attempt fails.</summary>
    /// <exception cref="ArgumentException"><paramref name="subProtocol"/> is empty or not an HTTP token, or was asked for already.</exception>
    public void AddSubProtocol(string subProtocol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subProtocol);
        foreach (char c in subProtocol)
        {
            if (c <= ' ' || c >= 0x7F || "()<>@,;:\\\"/[]?={}".Contains(c))
            {
                throw new ArgumentException($"'{subProtocol}' is not an HTTP token, which a sub-protocol must be (RFC 6455 §4.1).", nameof(subProtocol));
            }
        }

        _subProtocols ??= [];
        if (_subProtocols.Contains(subProtocol, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The sub-protocol '{subProtocol}' was asked for already.", nameof(subProtocol));
        }

        _subProtocols.Add(subProtocol);
    }
}
