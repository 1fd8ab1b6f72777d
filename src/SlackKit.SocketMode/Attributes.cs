namespace SlackKit.SocketMode;

/// <summary>
/// Marks a <c>partial class</c> whose <see cref="SlackEventAttribute"/>, <see cref="SlashCommandAttribute"/> and
/// <see cref="InteractiveAttribute"/> methods the source generator routes to: the class becomes an
/// <see cref="CompilerServices.ISlackApp"/>, run by <see cref="SlackSocketModeClient"/> or by
/// <c>AddSlackSocketMode&lt;T&gt;()</c> in a host.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SlackAppAttribute : Attribute
{
    /// <summary>
    /// A <c>JsonSerializerContext</c> of your own: a route method may then take as its payload any type that context
    /// serializes (<c>[JsonSerializable(typeof(TeamJoin))]</c>), read with its source-generated metadata.
    /// </summary>
    public Type? JsonContext { get; set; }
}

/// <summary>
/// The method handles Events API events of one type (<c>app_mention</c>, <c>message</c>, <c>reaction_added</c>...),
/// acked before it runs. It takes the event (<see cref="Payloads.AppMention"/>, <see cref="Payloads.MessageEvent"/>,
/// <see cref="Payloads.ReactionAdded"/> or <see cref="System.Text.Json.JsonElement"/> for any type), then optionally
/// a <see cref="SlackContext"/> and a <see cref="CancellationToken"/>; it returns <c>void</c>, <see cref="Task"/> or
/// <see cref="ValueTask"/>.
/// </summary>
/// <param name="type">The event's <c>type</c>, as Slack names it.</param>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = true)]
public sealed class SlackEventAttribute(string type) : Attribute
{
    /// <summary>The event's <c>type</c>.</summary>
    public string Type { get; } = type;
}

/// <summary>
/// The method handles one slash command. It takes a <see cref="Payloads.SlashCommand"/> (or
/// <see cref="System.Text.Json.JsonElement"/>), then optionally a <see cref="SlackContext"/> and a
/// <see cref="CancellationToken"/>; it may return a <see cref="SlackResponse"/> (directly, or from a
/// <see cref="Task{TResult}"/> or <see cref="ValueTask{TResult}"/>), which goes in the ack when the method finishes
/// within <see cref="SlackSocketModeOptions.AckTimeout"/> and to the command's <c>response_url</c> when it does not.
/// </summary>
/// <param name="command">The command, with its leading slash: <c>/deploy</c>.</param>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = true)]
public sealed class SlashCommandAttribute(string command) : Attribute
{
    /// <summary>The command, with its leading slash.</summary>
    public string Command { get; } = command;
}

/// <summary>
/// The method handles interactions of one type (<c>block_actions</c>, <c>view_submission</c>, <c>shortcut</c>,
/// <c>message_action</c>...). It takes <see cref="Payloads.BlockActions"/>, <see cref="Payloads.ViewSubmission"/> or
/// <see cref="System.Text.Json.JsonElement"/>, then optionally a <see cref="SlackContext"/> and a
/// <see cref="CancellationToken"/>; like a slash command it may return a <see cref="SlackResponse"/>.
/// </summary>
/// <param name="type">The interaction payload's <c>type</c>.</param>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = true)]
public sealed class InteractiveAttribute(string type) : Attribute
{
    /// <summary>The interaction payload's <c>type</c>.</summary>
    public string Type { get; } = type;
}
