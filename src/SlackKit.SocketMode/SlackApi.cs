using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SlackKit.SocketMode.Internal;

namespace SlackKit.SocketMode;

/// <summary>
/// The small part of Slack's Web API a bot needs to answer: <c>chat.postMessage</c>, <c>chat.update</c>,
/// <c>views.open</c> and responses to a <c>response_url</c>, with the bot token; and <c>apps.connections.open</c>,
/// with the app-level token, for the Socket Mode client. HTTP 429 and <c>ratelimited</c> are waited out
/// (<c>Retry-After</c>) up to <see cref="SlackSocketModeOptions.MaxRateLimitRetries"/> times; any other
/// <c>ok:false</c> throws a <see cref="SlackApiException"/> naming the method and Slack's error code. Tokens are never
/// logged nor put in an exception.
/// </summary>
/// <remarks>Thread-safe. In a host, <c>AddSlackSocketMode</c> registers one, on the host's <c>IHttpClientFactory</c>.</remarks>
public sealed class SlackApi
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    // Errors of apps.connections.open that no retry fixes (Slack's own SDKs give up on them too).
    private static readonly HashSet<string> FatalConnectErrors =
    [
        "not_authed", "invalid_auth", "account_inactive", "user_removed_from_team", "team_disabled", "token_revoked",
        "missing_scope", "forbidden_team", "access_denied", "not_allowed_token_type", "invalid_token",
    ];

    private readonly HttpClient _http;
    private readonly SlackSocketModeOptions _options;
    private readonly Uri _baseUrl;

    /// <summary>A Web API client with <paramref name="options"/>' tokens and base URL.</summary>
    /// <param name="options">Tokens, <see cref="SlackSocketModeOptions.ApiBaseUrl"/>, the rate-limit policy and the clock.</param>
    /// <param name="httpClient">The HTTP client to send with (one from <c>IHttpClientFactory</c>, say); a new one when null.</param>
    public SlackApi(SlackSocketModeOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _http = httpClient ?? new HttpClient();
        string baseUrl = options.ApiBaseUrl.ToString();
        _baseUrl = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
    }

    /// <summary>Posts a message (<c>chat.postMessage</c>); returns its <c>ts</c>.</summary>
    /// <param name="channel">The channel, DM or group id.</param>
    /// <param name="text">The message (Slack's mrkdwn).</param>
    /// <param name="threadTs">The parent's <c>ts</c> to reply in its thread; null for the channel.</param>
    /// <param name="cancellationToken">Cancels the call (and any wait for a rate limit).</param>
    public async Task<string> PostMessageAsync(string channel, string text, string? threadTs = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(text);
        using JsonDocument answer = await CallAsync("chat.postMessage", w =>
        {
            w.WriteString("channel", channel);
            w.WriteString("text", text);
            if (threadTs is not null)
            {
                w.WriteString("thread_ts", threadTs);
            }
        }, cancellationToken).ConfigureAwait(false);
        return answer.RootElement.TryGetProperty("ts", out JsonElement ts) ? ts.GetString() ?? "" : "";
    }

    /// <summary>Replaces a message's text (<c>chat.update</c>).</summary>
    public async Task UpdateMessageAsync(string channel, string ts, string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentException.ThrowIfNullOrEmpty(ts);
        ArgumentNullException.ThrowIfNull(text);
        using JsonDocument _ = await CallAsync("chat.update", w =>
        {
            w.WriteString("channel", channel);
            w.WriteString("ts", ts);
            w.WriteString("text", text);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a modal (<c>views.open</c>) for a <c>trigger_id</c> (valid 3 seconds).</summary>
    /// <param name="triggerId">From the slash command or interaction.</param>
    /// <param name="viewJson">The view, as a JSON object (<c>{"type":"modal",...}</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task OpenViewAsync(string triggerId, string viewJson, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(triggerId);
        ArgumentException.ThrowIfNullOrEmpty(viewJson);
        using JsonDocument view = JsonDocument.Parse(viewJson);
        using JsonDocument _ = await CallAsync("views.open", w =>
        {
            w.WriteString("trigger_id", triggerId);
            w.WritePropertyName("view");
            view.RootElement.WriteTo(w);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Any Web API method with the bot token: <paramref name="body"/> writes the JSON object's properties. The answer
    /// (with <c>ok:true</c>) is the caller's to dispose.
    /// </summary>
    /// <exception cref="SlackApiException">Slack answered <c>ok:false</c>, an HTTP error, or rate limits past the retries.</exception>
    public Task<JsonDocument> CallAsync(string method, Action<Utf8JsonWriter> body, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(body);
        string token = _options.BotToken ?? throw new InvalidOperationException(
            $"Calling {method} needs the bot token (xoxb-...): set SlackSocketModeOptions.BotToken (Slack:BotToken in configuration).");
        return SendAsync(method, new Uri(_baseUrl, method), token, JsonObject.Write(body), cancellationToken);
    }

    /// <summary>POSTs a response to a slash command's or an interaction's <c>response_url</c> (no token needed).</summary>
    public async Task RespondAsync(string responseUrl, SlackResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(responseUrl);
        ArgumentNullException.ThrowIfNull(response);
        if (!Uri.TryCreate(responseUrl, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("A response_url is an absolute http(s) URL.", nameof(responseUrl));
        }

        using JsonDocument _ = await SendAsync("response_url", url, token: null, System.Text.Encoding.UTF8.GetBytes(response.Json), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>apps.connections.open</c> with the app-level token: a single-use Socket Mode URL. Rate limits are waited out
    /// for as long as it takes; an error no retry fixes throws <see cref="SlackSocketModeException"/>.
    /// </summary>
    internal async Task<Uri> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        const string Method = "apps.connections.open";
        string token = _options.AppToken ?? throw new SlackSocketModeException(Method, "not_authed",
            "Set SlackSocketModeOptions.AppToken (Slack:AppToken in configuration) to an app-level token (xapp-...) with connections:write.");
        try
        {
            using JsonDocument answer = await SendAsync(Method, new Uri(_baseUrl, Method), token, [], cancellationToken, retryForever: true).ConfigureAwait(false);
            string? url = answer.RootElement.TryGetProperty("url", out JsonElement u) ? u.GetString() : null;
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? socketUrl) || (socketUrl.Scheme != "wss" && socketUrl.Scheme != "ws"))
            {
                throw new SlackApiException(Method, "no_socket_url");
            }

            return socketUrl;
        }
        catch (SlackApiException ex) when (ex is not SlackSocketModeException && FatalConnectErrors.Contains(ex.Error))
        {
            throw new SlackSocketModeException(Method, ex.Error,
                "Slack refused the app-level token; no retry fixes that. Check Slack:AppToken (an xapp-... token with connections:write, not revoked, of an app in an active workspace).", ex);
        }
    }

    private async Task<JsonDocument> SendAsync(string method, Uri url, string? token, byte[] body, CancellationToken cancellationToken, bool retryForever = false)
    {
        for (int retry = 0; ; retry++)
        {
            TimeSpan? wait;
            using (var request = new HttpRequestMessage(HttpMethod.Post, url))
            {
                if (token is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }

                request.Content = new ByteArrayContent(body) { Headers = { ContentType = JsonContentType } };
                HttpResponseMessage response;
                try
                {
                    response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException ex)
                {
                    throw new SlackApiException(method, "http_request_failed", ex);
                }

                using (response)
                {
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        wait = RetryAfter(response);
                    }
                    else if (!response.IsSuccessStatusCode)
                    {
                        throw new SlackApiException(method, $"http_{(int)response.StatusCode}");
                    }
                    else
                    {
                        byte[] content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                        JsonDocument answer;
                        try
                        {
                            answer = content.Length == 0 || (token is null && !LooksLikeJson(content))
                                ? JsonDocument.Parse("{\"ok\":true}") // a response_url may answer plain "ok"
                                : JsonDocument.Parse(content);
                        }
                        catch (JsonException ex)
                        {
                            throw new SlackApiException(method, "invalid_json_answer", ex);
                        }

                        string? error = Error(answer.RootElement);
                        if (error is null)
                        {
                            return answer;
                        }

                        answer.Dispose();
                        if (error != "ratelimited")
                        {
                            throw new SlackApiException(method, error);
                        }

                        wait = RetryAfter(response);
                    }
                }
            }

            if (!retryForever && retry >= _options.MaxRateLimitRetries)
            {
                throw new SlackApiException(method, "ratelimited");
            }

            await Task.Delay(wait ?? TimeSpan.FromSeconds(1), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string? Error(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ok", out JsonElement ok))
        {
            return null; // a response_url's answer need not say ok
        }

        if (ok.ValueKind == JsonValueKind.True)
        {
            return null;
        }

        return root.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.String
            ? error.GetString() ?? "unknown_error"
            : "unknown_error";
    }

    private static bool LooksLikeJson(byte[] content)
    {
        foreach (byte b in content)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            return b is (byte)'{' or (byte)'[';
        }

        return false;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date)
        {
            TimeSpan until = date - _options.TimeProvider.GetUtcNow();
            return until > TimeSpan.Zero ? until : TimeSpan.Zero;
        }

        return null;
    }
}
