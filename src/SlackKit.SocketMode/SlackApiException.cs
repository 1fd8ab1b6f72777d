namespace SlackKit.SocketMode;

/// <summary>
/// A Slack Web API call answered <c>ok:false</c> (or an HTTP error): names the method and Slack's error code, never a
/// token.
/// </summary>
public class SlackApiException : Exception
{
    /// <summary>A failed call of <paramref name="method"/> with Slack's <paramref name="error"/> code.</summary>
    public SlackApiException(string method, string error, Exception? innerException = null)
        : base($"Slack's {method} failed: {error}", innerException)
    {
        Method = method;
        Error = error;
    }

    /// <summary>The Web API method (<c>chat.postMessage</c>), or <c>response_url</c> for a response.</summary>
    public string Method { get; }

    /// <summary>Slack's error code (<c>channel_not_found</c>, <c>invalid_auth</c>...), or <c>http_503</c> and the like.</summary>
    public string Error { get; }
}

/// <summary>
/// The app cannot go on: Slack refused its app-level token (<c>invalid_auth</c>, <c>token_revoked</c>...), or Socket
/// Mode was switched off for it (<c>link_disabled</c>). No retry fixes it; <see cref="SlackSocketModeClient.Completion"/>
/// ends with it.
/// </summary>
public sealed class SlackSocketModeException : SlackApiException
{
    /// <summary>The app stopped because of <paramref name="error"/>, reported by <paramref name="method"/>.</summary>
    public SlackSocketModeException(string method, string error, string advice, Exception? innerException = null)
        : base(method, error, innerException)
    {
        Advice = advice;
    }

    /// <summary>What to do about it.</summary>
    public string Advice { get; }

    /// <inheritdoc/>
    public override string Message => $"{base.Message}. {Advice}";
}
