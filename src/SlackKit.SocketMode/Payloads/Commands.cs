using System.Text.Json;
using System.Text.Json.Serialization;

namespace SlackKit.SocketMode.Payloads;

/// <summary>A slash command as Slack sends it (its form fields).</summary>
public sealed record SlashCommand
{
    /// <summary>The command, with its slash: <c>/deploy</c>.</summary>
    [JsonPropertyName("command")] public string Command { get; init; } = "";

    /// <summary>What the user typed after the command.</summary>
    [JsonPropertyName("text")] public string Text { get; init; } = "";

    /// <summary>Who typed it.</summary>
    [JsonPropertyName("user_id")] public string UserId { get; init; } = "";

    /// <summary>Where it was typed.</summary>
    [JsonPropertyName("channel_id")] public string ChannelId { get; init; } = "";

    /// <summary>The workspace.</summary>
    [JsonPropertyName("team_id")] public string? TeamId { get; init; }

    /// <summary>Where a response may be POSTed (valid 30 minutes, 5 times).</summary>
    [JsonPropertyName("response_url")] public string? ResponseUrl { get; init; }

    /// <summary>For opening a modal (<c>views.open</c>), within 3 seconds.</summary>
    [JsonPropertyName("trigger_id")] public string? TriggerId { get; init; }
}

/// <summary>A <c>block_actions</c> interaction: a button clicked, a menu option chosen...</summary>
public sealed record BlockActions
{
    /// <summary>Who acted (<c>id</c>, <c>name</c>...).</summary>
    [JsonPropertyName("user")] public SlackUserRef User { get; init; } = new();

    /// <summary>Where (absent for actions in a modal).</summary>
    [JsonPropertyName("channel")] public SlackChannelRef? Channel { get; init; }

    /// <summary>The actions taken.</summary>
    [JsonPropertyName("actions")] public IReadOnlyList<BlockAction> Actions { get; init; } = [];

    /// <summary>Where a response may be POSTed, when the action came from a message.</summary>
    [JsonPropertyName("response_url")] public string? ResponseUrl { get; init; }

    /// <summary>For opening a modal, within 3 seconds.</summary>
    [JsonPropertyName("trigger_id")] public string? TriggerId { get; init; }
}

/// <summary>One action of a <see cref="BlockActions"/>.</summary>
public sealed record BlockAction
{
    /// <summary>The element's <c>action_id</c>.</summary>
    [JsonPropertyName("action_id")] public string ActionId { get; init; } = "";

    /// <summary>The block's <c>block_id</c>.</summary>
    [JsonPropertyName("block_id")] public string? BlockId { get; init; }

    /// <summary>A button's value.</summary>
    [JsonPropertyName("value")] public string? Value { get; init; }

    /// <summary>The element's type (<c>button</c>, <c>static_select</c>...).</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }
}

/// <summary>A <c>view_submission</c> interaction: a modal's submit button.</summary>
public sealed record ViewSubmission
{
    /// <summary>Who submitted.</summary>
    [JsonPropertyName("user")] public SlackUserRef User { get; init; } = new();

    /// <summary>The view, with <c>callback_id</c> and <c>state.values</c>.</summary>
    [JsonPropertyName("view")] public JsonElement View { get; init; }

    /// <summary>For pushing another view, within 3 seconds.</summary>
    [JsonPropertyName("trigger_id")] public string? TriggerId { get; init; }
}

/// <summary>A user as interactions name one.</summary>
public sealed record SlackUserRef
{
    /// <summary>The user id (<c>U...</c>).</summary>
    [JsonPropertyName("id")] public string Id { get; init; } = "";

    /// <summary>The user name, when Slack sends one.</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }
}

/// <summary>A channel as interactions name one.</summary>
public sealed record SlackChannelRef
{
    /// <summary>The channel id (<c>C...</c>).</summary>
    [JsonPropertyName("id")] public string Id { get; init; } = "";

    /// <summary>The channel name, when Slack sends one.</summary>
    [JsonPropertyName("name")] public string? Name { get; init; }
}
