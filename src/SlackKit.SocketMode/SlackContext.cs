using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SlackKit.SocketMode;

/// <summary>What an envelope carried to a handler's route.</summary>
public enum SlackRouteKind
{
    /// <summary>An Events API event (<c>events_api</c> envelope); the name is the event's <c>type</c>.</summary>
    Event,

    /// <summary>A slash command (<c>slash_commands</c>); the name is the command.</summary>
    SlashCommand,

    /// <summary>An interaction (<c>interactive</c>); the name is the payload's <c>type</c>.</summary>
    Interactive,
}

/// <summary>
/// One envelope as a handler sees it: its route, its payload and its ids. A handler method may take it after its
/// payload, to read the payload as a type of its own (<see cref="Read{T}"/>) or to log the ids.
/// </summary>
public sealed class SlackContext
{
    internal SlackContext(SlackRouteKind kind, string name, JsonElement payload, string envelopeId, string? eventId, int retryAttempt, SlackApi api)
    {
        Kind = kind;
        Name = name;
        Payload = payload;
        EnvelopeId = envelopeId;
        EventId = eventId;
        RetryAttempt = retryAttempt;
        Api = api;
    }

    /// <summary>Event, slash command or interaction.</summary>
    public SlackRouteKind Kind { get; }

    /// <summary>The event type, the command (with its slash) or the interaction type.</summary>
    public string Name { get; }

    /// <summary>
    /// The payload: for an event, the <c>event</c> object inside the callback; for a command or an interaction, the
    /// envelope's <c>payload</c>.
    /// </summary>
    public JsonElement Payload { get; }

    /// <summary>The envelope's id (what its ack names).</summary>
    public string EnvelopeId { get; }

    /// <summary>The Events API <c>event_id</c>; null for commands and interactions.</summary>
    public string? EventId { get; }

    /// <summary>0 the first time Slack sends an envelope; more for its retries (a retry reaches a handler only if the first did not).</summary>
    public int RetryAttempt { get; }

    /// <summary>The Web API client of the app.</summary>
    public SlackApi Api { get; }

    /// <summary>Reads <see cref="Payload"/> as <typeparamref name="T"/> with source-generated metadata (no reflection).</summary>
    /// <exception cref="JsonException">The payload does not fit <typeparamref name="T"/>.</exception>
    public T Read<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return Payload.Deserialize(typeInfo) ?? throw new JsonException($"The {Name} payload is null; a {typeof(T).Name} was expected.");
    }
}
