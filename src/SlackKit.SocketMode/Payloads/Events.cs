using System.Text.Json;
using System.Text.Json.Serialization;

namespace SlackKit.SocketMode.Payloads;

/// <summary>An <c>app_mention</c> event: someone wrote <c>@yourbot</c> in a channel the bot is in.</summary>
public sealed record AppMention
{
    /// <summary>The user who mentioned the bot.</summary>
    [JsonPropertyName("user")] public string User { get; init; } = "";

    /// <summary>The message's text, mention included (<c>&lt;@U123&gt; deploy</c>).</summary>
    [JsonPropertyName("text")] public string Text { get; init; } = "";

    /// <summary>The channel the message is in.</summary>
    [JsonPropertyName("channel")] public string Channel { get; init; } = "";

    /// <summary>The message's timestamp (its id within the channel).</summary>
    [JsonPropertyName("ts")] public string Ts { get; init; } = "";

    /// <summary>The parent's timestamp when the mention is in a thread.</summary>
    [JsonPropertyName("thread_ts")] public string? ThreadTs { get; init; }

    /// <summary>The workspace.</summary>
    [JsonPropertyName("team")] public string? Team { get; init; }
}

/// <summary>A <c>message</c> event (in a channel, a DM or a thread the bot can see).</summary>
public sealed record MessageEvent
{
    /// <summary>The author; empty for some subtypes (bot messages carry <see cref="BotId"/>).</summary>
    [JsonPropertyName("user")] public string? User { get; init; }

    /// <summary>The message's text.</summary>
    [JsonPropertyName("text")] public string? Text { get; init; }

    /// <summary>The channel, DM or group.</summary>
    [JsonPropertyName("channel")] public string Channel { get; init; } = "";

    /// <summary><c>im</c>, <c>channel</c>, <c>group</c> or <c>mpim</c>.</summary>
    [JsonPropertyName("channel_type")] public string? ChannelType { get; init; }

    /// <summary>The message's timestamp.</summary>
    [JsonPropertyName("ts")] public string Ts { get; init; } = "";

    /// <summary>The parent's timestamp for a reply in a thread.</summary>
    [JsonPropertyName("thread_ts")] public string? ThreadTs { get; init; }

    /// <summary><c>bot_message</c>, <c>message_changed</c>...; null for a plain message.</summary>
    [JsonPropertyName("subtype")] public string? Subtype { get; init; }

    /// <summary>Set when a bot wrote it (a bot should usually not answer bots, itself included).</summary>
    [JsonPropertyName("bot_id")] public string? BotId { get; init; }
}

/// <summary>A <c>reaction_added</c> event.</summary>
public sealed record ReactionAdded
{
    /// <summary>Who reacted.</summary>
    [JsonPropertyName("user")] public string User { get; init; } = "";

    /// <summary>The emoji's name, without colons.</summary>
    [JsonPropertyName("reaction")] public string Reaction { get; init; } = "";

    /// <summary>What was reacted to (for a message: its channel and ts).</summary>
    [JsonPropertyName("item")] public JsonElement Item { get; init; }
}
