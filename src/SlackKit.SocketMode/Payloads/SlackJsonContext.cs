using System.Text.Json.Serialization;

namespace SlackKit.SocketMode.Payloads;

/// <summary>
/// The source-generated System.Text.Json metadata of the payload types (no reflection: trims and publishes AOT).
/// The generated routing reads payloads with it; a bot may use it too.
/// </summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AppMention))]
[JsonSerializable(typeof(MessageEvent))]
[JsonSerializable(typeof(ReactionAdded))]
[JsonSerializable(typeof(SlashCommand))]
[JsonSerializable(typeof(BlockActions))]
[JsonSerializable(typeof(ViewSubmission))]
public sealed partial class SlackJsonContext : JsonSerializerContext;
