using System.Text.Json;

namespace SlackKit.SocketMode;

/// <summary>
/// What a slash command or an interaction answers: sent in the envelope's ack when the handler finishes in time, or
/// POSTed to the payload's <c>response_url</c> when it does not.
/// </summary>
public sealed class SlackResponse
{
    private SlackResponse(string json) => Json = json;

    /// <summary>The response as Slack receives it (a JSON object).</summary>
    public string Json { get; }

    /// <summary>A message only the user who asked sees.</summary>
    public static SlackResponse Ephemeral(string text) => Message("ephemeral", text);

    /// <summary>A message everyone in the channel sees.</summary>
    public static SlackResponse InChannel(string text) => Message("in_channel", text);

    /// <summary>
    /// Any response payload, as a JSON object: blocks, or a <c>view_submission</c>'s <c>response_action</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="json"/> is not a JSON object.</exception>
    public static SlackResponse FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"A Slack response is a JSON object, not {document.RootElement.ValueKind}.", nameof(json));
            }
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"A Slack response must be JSON: {ex.Message}", nameof(json), ex);
        }

        return new SlackResponse(json);
    }

    /// <inheritdoc/>
    public override string ToString() => Json;

    private static SlackResponse Message(string responseType, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] json = Internal.JsonObject.Write(w =>
        {
            w.WriteString("response_type", responseType);
            w.WriteString("text", text);
        });
        return new SlackResponse(System.Text.Encoding.UTF8.GetString(json));
    }
}
