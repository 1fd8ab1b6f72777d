using System.Text.Json;

namespace SlackKit.SocketMode.Internal;

internal enum SocketMessageKind
{
    /// <summary>Not a JSON object, or JSON that does not parse.</summary>
    Malformed,

    /// <summary>A <c>type</c> this client does not know (logged once per type, ignored).</summary>
    Unknown,

    /// <summary><c>hello</c>: the connection is usable.</summary>
    Hello,

    /// <summary><c>disconnect</c>, with a reason.</summary>
    Disconnect,

    /// <summary>An envelope to ack: <c>events_api</c>, <c>slash_commands</c> or <c>interactive</c>.</summary>
    Envelope,
}

/// <summary>One Socket Mode message, read from a text frame (the JSON is copied: the frame's buffer is not kept).</summary>
internal sealed class SocketMessage
{
    private SocketMessage(SocketMessageKind kind, string type)
    {
        Kind = kind;
        Type = type;
    }

    public SocketMessageKind Kind { get; }

    /// <summary>The message's <c>type</c> (for a malformed one, what was wrong).</summary>
    public string Type { get; }

    // hello
    public int NumConnections { get; private init; }

    public string? AppId { get; private init; }

    // disconnect
    public string? Reason { get; private init; }

    // envelope
    public string EnvelopeId { get; private init; } = "";

    public bool AcceptsResponsePayload { get; private init; }

    public int RetryAttempt { get; private init; }

    /// <summary>The route: event, command or interaction, and its name; null when the payload does not say.</summary>
    public SlackRouteKind RouteKind { get; private init; }

    public string? RouteName { get; private init; }

    /// <summary>What the handler gets: the event object, or the payload.</summary>
    public JsonElement RoutePayload { get; private init; }

    /// <summary>The Events API <c>event_id</c>, for events.</summary>
    public string? EventId { get; private init; }

    /// <summary>Where a response may be POSTed, for commands and interactions that carry one.</summary>
    public string? ResponseUrl { get; private init; }

    /// <summary>What orders handlers: the conversation (channel) when the payload names one.</summary>
    public string? OrderKey { get; private init; }

    /// <summary>What identifies the work across retries and connections: the event id, else the envelope id.</summary>
    public string DedupeKey => EventId ?? EnvelopeId;

    public static SocketMessage Parse(ReadOnlySpan<byte> utf8)
    {
        JsonElement root;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            root = JsonElement.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            return new SocketMessage(SocketMessageKind.Malformed, $"not JSON ({ex.Message})");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new SocketMessage(SocketMessageKind.Malformed, $"a JSON {root.ValueKind}, not an object");
        }

        string? type = Known(root, "type", KnownTypes);
        switch (type)
        {
            case null:
                return new SocketMessage(SocketMessageKind.Malformed, "a JSON object with no type");
            case "hello":
                return new SocketMessage(SocketMessageKind.Hello, type)
                {
                    NumConnections = root.TryGetProperty("num_connections", out JsonElement n) && n.TryGetInt32(out int count) ? count : 0,
                    AppId = String(Object(root, "connection_info"), "app_id"),
                };
            case "disconnect":
                return new SocketMessage(SocketMessageKind.Disconnect, type) { Reason = String(root, "reason") ?? "" };
            case "events_api":
            case "slash_commands":
            case "interactive":
                return Envelope(root, type);
            default:
                return new SocketMessage(SocketMessageKind.Unknown, type);
        }
    }

    private static SocketMessage Envelope(JsonElement root, string type)
    {
        string? envelopeId = String(root, "envelope_id");
        if (string.IsNullOrEmpty(envelopeId))
        {
            return new SocketMessage(SocketMessageKind.Malformed, $"a {type} envelope with no envelope_id");
        }

        JsonElement payload = Object(root, "payload");
        SlackRouteKind kind;
        string? name;
        JsonElement routePayload = payload;
        string? eventId = null;
        string? orderKey;
        switch (type)
        {
            case "events_api":
                kind = SlackRouteKind.Event;
                eventId = String(payload, "event_id");
                routePayload = Object(payload, "event");
                name = Known(routePayload, "type", KnownEvents);
                orderKey = String(routePayload, "channel") ?? String(Object(routePayload, "item"), "channel");
                break;
            case "slash_commands":
                kind = SlackRouteKind.SlashCommand;
                name = String(payload, "command");
                orderKey = String(payload, "channel_id");
                break;
            default:
                kind = SlackRouteKind.Interactive;
                name = String(payload, "type");
                orderKey = String(Object(payload, "channel"), "id");
                break;
        }

        return new SocketMessage(SocketMessageKind.Envelope, type)
        {
            EnvelopeId = envelopeId,
            AcceptsResponsePayload = root.TryGetProperty("accepts_response_payload", out JsonElement a) && a.ValueKind == JsonValueKind.True,
            RetryAttempt = root.TryGetProperty("retry_attempt", out JsonElement r) && r.TryGetInt32(out int retry) ? retry : 0,
            RouteKind = kind,
            RouteName = name,
            RoutePayload = routePayload,
            EventId = eventId,
            ResponseUrl = String(payload, "response_url"),
            OrderKey = orderKey,
        };
    }

    /// <summary>The message types this client knows, returned as these strings rather than new ones per message.</summary>
    private static readonly string[] KnownTypes = ["events_api", "slash_commands", "interactive", "hello", "disconnect"];

    /// <summary>The common event types, returned as these strings rather than new ones per event.</summary>
    private static readonly string[] KnownEvents = ["app_mention", "message", "reaction_added", "reaction_removed", "app_home_opened", "member_joined_channel"];

    /// <summary>A string property, as one of <paramref name="known"/> when it equals one (no allocation), else as read.</summary>
    private static string? Known(JsonElement obj, string name, string[] known)
    {
        if (Property(obj, name, JsonValueKind.String) is not { } value)
        {
            return null;
        }

        foreach (string candidate in known)
        {
            if (value.ValueEquals(candidate))
            {
                return candidate;
            }
        }

        return value.GetString();
    }

    // Each helper takes any element (a missing payload is `default`) and gives null, or `default`, for what is not there.
    private static string? String(JsonElement obj, string name) => Property(obj, name, JsonValueKind.String)?.GetString();

    private static JsonElement Object(JsonElement obj, string name) => Property(obj, name, JsonValueKind.Object) ?? default;

    private static JsonElement? Property(JsonElement obj, string name, JsonValueKind kind) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement value) && value.ValueKind == kind ? value : null;
}
