using System.Text;

namespace SlackKit.WebSockets.Internal;

/// <summary>
/// What the client prints of what it is given: a URL as scheme://host:port/path (never its user info, query or
/// fragment, where tokens and Slack's one-time ticket live), and text from the peer with its control characters
/// escaped (a close reason with CR/LF cannot forge a log line). Every message and log event that shows a URL or the
/// peer's text goes through here.
/// </summary>
internal static class Redaction
{
    /// <summary><paramref name="url"/> without user info, query or fragment.</summary>
    public static string Url(Uri url) => url.IsAbsoluteUri
        ? $"{url.Scheme}://{url.Authority}{url.AbsolutePath}"
        : Url(url.OriginalString);

    /// <summary>A URL given as text, which may not parse: everything from '?' or '#' is cut, and user info before '@'.</summary>
    public static string Url(string url)
    {
        int cut = url.IndexOfAny(['?', '#']);
        string kept = cut < 0 ? url : url[..cut];
        int scheme = kept.IndexOf("://", StringComparison.Ordinal);
        int authorityStart = scheme >= 0 ? scheme + 3 : kept.StartsWith("//", StringComparison.Ordinal) ? 2 : 0;
        int authorityEnd = kept.IndexOf('/', authorityStart) is var slash and >= 0 ? slash : kept.Length;
        int at = authorityEnd > authorityStart ? kept.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart) : -1;
        if (at >= 0)
        {
            kept = kept[..authorityStart] + kept[(at + 1)..];
        }

        return cut < 0 ? kept : kept + (url[cut] == '?' ? "?…" : "#…");
    }

    /// <summary><paramref name="text"/> with control characters (CR, LF, tab, ESC...) written as \r, \n, \uXXXX.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.AsSpan().ContainsAnyInRange('\0', '\u001F') && !text.Contains('\u007F'))
        {
            return text ?? string.Empty;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            _ = c switch
            {
                '\r' => escaped.Append("\\r"),
                '\n' => escaped.Append("\\n"),
                '\t' => escaped.Append("\\t"),
                < ' ' or '\u007F' => escaped.Append($"\\u{(int)c:X4}"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }
}
